// "Add another" copies the last empty group with the next index; without script the server's spare group does.
document.querySelectorAll('.add-group').forEach(function (button) {
  button.hidden = false;
  button.addEventListener('click', function () {
    var groups = document.querySelectorAll('.group-item[data-group="' + button.dataset.group + '"]');
    var last = groups[groups.length - 1], next = Number(last.dataset.index) + 1;
    var copy = last.cloneNode(true);
    copy.dataset.index = String(next);
    copy.querySelector('.group-no').textContent = String(next + 1);
    copy.querySelectorAll('[name]').forEach(function (input) {
      input.name = input.name.replace(button.dataset.group + '-' + last.dataset.index + '-', button.dataset.group + '-' + next + '-');
      if (input.id) { input.id = 'f-' + input.name; }
      if (input.type === 'radio' || input.type === 'checkbox') { input.checked = false; } else { input.value = ''; }
    });
    copy.querySelectorAll('label[for]').forEach(function (label) {
      label.htmlFor = label.htmlFor.replace('-' + last.dataset.index + '-', '-' + next + '-');
    });
    copy.querySelectorAll('.field-error').forEach(function (e) { e.remove(); });
    last.after(copy);
  });
});

// "Now" beside a time that happened (a call, an arrival): the phone's local time, to the minute.
document.querySelectorAll('.now-button').forEach(function (button) {
  var input = document.getElementById(button.dataset.now);
  if (!input) { return; }
  button.hidden = false;
  button.addEventListener('click', function () {
    var d = new Date(), pad = function (n) { return String(n).padStart(2, '0'); };
    var day = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
    input.value = input.type === 'date' ? day : day + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
});
