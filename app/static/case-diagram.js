// The case page's diagram: progress marked on the BPMN (data in #diagram-data; no inline script, CSP).
// It fits the screen, zooms with the buttons (a phone has no wheel), and a running called process (the
// mediation) gets its own diagram below with its current step marked.
(function () {
  var data = JSON.parse(document.getElementById('diagram-data').textContent);

  function show(container, xml, active, completed) {
    var viewer = new BpmnJS({ container: container });
    return viewer.importXML(xml).then(function () {
      var canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry');
      (completed || []).forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, 'done'); });
      (active || []).forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, 'current'); });
      canvas.zoom('fit-viewport');
      return viewer;
    }).catch(function (err) { container.textContent = err.message; });
  }

  var main = document.getElementById('diagram');
  show(main, data.xml, data.active, data.completed).then(function (viewer) {
    main.setAttribute('data-ready', data.active.join(' '));
    if (!viewer) { return; }
    var canvas = viewer.get('canvas');
    document.querySelectorAll('[data-zoom]').forEach(function (button) {
      button.addEventListener('click', function () {
        var how = button.dataset.zoom;
        if (how === 'fit') { canvas.zoom('fit-viewport'); return; }
        canvas.zoom(canvas.zoom() * (how === 'in' ? 1.25 : 0.8));
      });
    });
  });
  document.querySelectorAll('[data-subprocess]').forEach(function (box) {
    var sub = data.subprocesses[box.dataset.subprocess];
    if (sub) {
      show(box, sub.bpmn_xml, sub.active, []).then(function () { box.setAttribute('data-ready', sub.active.join(' ')); });
    }
  });
})();
