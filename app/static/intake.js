// Only the chosen channel's details are shown; without script all are, and the server reads the chosen one's.
(function () {
  var select = document.getElementById('f-channel');
  function show() {
    document.querySelectorAll('.channel-details').forEach(function (box) {
      box.hidden = box.dataset.channel !== select.value;
      box.querySelectorAll('input').forEach(function (input) { input.disabled = box.hidden; });
    });
  }
  select.addEventListener('change', show);
  show();
})();
