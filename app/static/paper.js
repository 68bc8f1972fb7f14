// The print button of a paper page (an inline handler would break the content security policy).
document.getElementById("print").addEventListener("click", () => window.print());
