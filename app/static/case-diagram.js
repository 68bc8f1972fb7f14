// The case page's diagram: progress marked on the BPMN (data in #diagram-data; no inline script, CSP).
(function () {
  var data = JSON.parse(document.getElementById('diagram-data').textContent);
  var viewer = new BpmnJS({ container: '#diagram' });
  viewer.importXML(data.xml).then(function () {
    var canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry');
    data.completed.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, 'done'); });
    data.active.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, 'current'); });
    canvas.zoom('fit-viewport');
    document.getElementById('diagram').setAttribute('data-ready', data.active.join(' '));
  }).catch(function (err) { document.getElementById('diagram').textContent = err.message; });
})();
