// The designer's page: edit the current bundle (BPMN diagrams, the routing DMN, JSON Schema forms),
// validate it on the server and deploy it as a new version. Problems come back as a list and as markers.
(function () {
  'use strict';

  var root = document.getElementById('designer');
  var data = JSON.parse(document.getElementById('bundle-data').textContent);
  var text = JSON.parse(document.getElementById('designer-text').textContent);
  var csrf = document.querySelector('meta[name=csrf-token]').content;
  var files = Object.assign({}, data.files);
  var problems = [];
  var active = null;
  var bpmnCanvas = document.getElementById('bpmn-canvas');
  var dmnCanvas = document.getElementById('dmn-canvas');
  var jsonEditor = document.getElementById('json-editor');
  var panelTitle = document.getElementById('panel-title');
  var panelFields = document.getElementById('panel-fields');
  var SLA_LINE = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"]*)"(.*)$/;
  // ISO 8601 durations as SpiffWorkflow's timers read them: P1D, PT30M, P1DT12H …
  var ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

  function kind(name) {
    if (/\.bpmn$/i.test(name)) { return 'bpmn'; }
    if (/\.dmn$/i.test(name)) { return 'dmn'; }
    return 'json';
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function fetchJson(url, options) {
    options = options || {};
    options.headers = Object.assign({ 'X-CSRFToken': csrf }, options.headers || {});
    options.credentials = 'same-origin';
    return fetch(url, options).then(function (resp) {
      return resp.json().then(function (body) { return { status: resp.status, body: body }; });
    });
  }

  // --- the editors ------------------------------------------------------------------------------

  function descriptor() {
    return fetch(root.dataset.spiff).then(function (r) { return r.json(); });
  }

  descriptor().then(function (spiff) {
    var bpmn = new BpmnJS({ container: bpmnCanvas, moddleExtensions: { spiffworkflow: spiff } });
    var dmn = new DmnJS({ container: dmnCanvas, common: { keyboard: { bindTo: window } } });
    var modeling = bpmn.get('modeling');
    var moddle = bpmn.get('moddle');
    var registry = bpmn.get('elementRegistry');
    var canvas = bpmn.get('canvas');

    function saveActive() {
      if (active === null) { return Promise.resolve(); }
      var name = active;
      if (kind(name) === 'bpmn') {
        return bpmn.saveXML({ format: true }).then(function (r) { files[name] = r.xml; });
      }
      if (kind(name) === 'dmn') {
        return dmn.saveXML({ format: true }).then(function (r) { files[name] = r.xml; });
      }
      files[name] = jsonEditor.value;
      return Promise.resolve();
    }

    function open(name) {
      return saveActive().then(function () {
        active = name;
        document.querySelectorAll('.file-tabs .tab').forEach(function (tab) {
          tab.setAttribute('aria-selected', tab.dataset.file === name ? 'true' : 'false');
        });
        bpmnCanvas.hidden = kind(name) !== 'bpmn';
        dmnCanvas.hidden = kind(name) !== 'dmn';
        jsonEditor.hidden = kind(name) !== 'json';
        if (kind(name) === 'bpmn') {
          return bpmn.importXML(files[name]).then(function () {
            canvas.zoom('fit-viewport');
            showPanel(null);
            markProblems();
            root.dataset.ready = name;
          });
        }
        if (kind(name) === 'dmn') {
          return dmn.importXML(files[name]).then(function () {
            var views = dmn.getViews();
            var table = views.filter(function (v) { return v.type === 'decisionTable'; })[0];
            if (table) { dmn.open(table); }
            root.dataset.ready = name;
          });
        }
        jsonEditor.value = files[name];
        root.dataset.ready = name;
        return Promise.resolve();
      });
    }

    // --- spiffworkflow properties of a user task --------------------------------------------------

    function spiffProperties(bo) {
      var ext = bo.extensionElements;
      var values = ext ? ext.get('values') : [];
      return values.filter(function (v) { return v.$type === 'spiffworkflow:Properties'; })[0] || null;
    }

    function spiffProperty(bo, name) {
      var props = spiffProperties(bo);
      var found = props ? props.get('properties').filter(function (p) { return p.name === name; })[0] : null;
      return found ? found.value : '';
    }

    function setSpiffProperty(element, name, value) {
      var bo = element.businessObject;
      var ext = bo.extensionElements;
      if (!ext) {
        ext = moddle.create('bpmn:ExtensionElements', { values: [] });
        modeling.updateProperties(element, { extensionElements: ext });
      }
      var props = spiffProperties(bo);
      if (!props) {
        props = moddle.create('spiffworkflow:Properties', { properties: [] });
        modeling.updateModdleProperties(element, ext, { values: ext.get('values').concat([props]) });
      }
      var existing = props.get('properties').filter(function (p) { return p.name === name; })[0];
      if (existing) {
        modeling.updateModdleProperties(element, existing, { value: value });
      } else {
        var created = moddle.create('spiffworkflow:Property', { name: name, value: value });
        modeling.updateModdleProperties(element, props, { properties: props.get('properties').concat([created]) });
      }
    }

    // --- the panel beside the canvas ------------------------------------------------------------

    function field(label, value, onChange, options) {
      options = options || {};
      var id = 'panel-' + Math.random().toString(36).slice(2);
      var input;
      if (options.choices) {
        input = el('select', { id: id });
        options.choices.forEach(function (choice) {
          var opt = el('option', { value: choice, text: choice });
          if (choice === value) { opt.selected = true; }
          input.appendChild(opt);
        });
      } else if (options.multiline) {
        input = el('textarea', { id: id, rows: '3' });
        input.value = value || '';
      } else {
        input = el('input', { id: id });
        input.value = value || '';
      }
      if (options.name) { input.name = options.name; }
      input.addEventListener('change', function () { onChange(input.value); });
      return el('div', { 'class': 'field' }, [el('label', { 'for': id, text: label }), input]);
    }

    function formFiles() {
      return Object.keys(files).filter(function (n) { return /\.schema\.json$/.test(n); })
        .map(function (n) { return n.split('/').pop(); });
    }

    function timerExpression(bo) {
      var def = (bo.eventDefinitions || [])[0];
      if (!def || def.$type !== 'bpmn:TimerEventDefinition') { return null; }
      return def.timeDuration || def.timeDate || def.timeCycle || null;
    }

    function showPanel(element) {
      panelFields.innerHTML = '';
      if (!element || element.type === 'bpmn:Process' || element.type === 'bpmn:Collaboration') {
        panelTitle.textContent = text.none;
        renderSla();
        return;
      }
      var bo = element.businessObject;
      panelTitle.textContent = (bo.name || bo.id) + ' · ' + element.type.replace('bpmn:', '');
      panelFields.appendChild(field(text.name, bo.name, function (v) {
        modeling.updateProperties(element, { name: v });
      }, { name: 'name' }));
      if (element.type === 'bpmn:UserTask') {
        var forms = formFiles();
        var current = spiffProperty(bo, 'formJsonSchemaFilename');
        if (forms.indexOf(current) < 0) { forms.unshift(current); }
        panelFields.appendChild(field(text.form, current, function (v) {
          setSpiffProperty(element, 'formJsonSchemaFilename', v);
          setSpiffProperty(element, 'formUiSchemaFilename', v.replace('.schema.json', '.uischema.json'));
        }, { choices: forms, name: 'form' }));
        panelFields.appendChild(field(text.team, spiffProperty(bo, 'team'), function (v) {
          setSpiffProperty(element, 'team', v);
        }, { name: 'team' }));
        panelFields.appendChild(field(text.status, spiffProperty(bo, 'caseStatus'), function (v) {
          setSpiffProperty(element, 'caseStatus', v);
        }, { name: 'caseStatus' }));
      }
      if (element.type === 'bpmn:SequenceFlow') {
        var condition = bo.conditionExpression ? bo.conditionExpression.body : '';
        panelFields.appendChild(field(text.condition, condition, function (v) {
          if (!v.trim()) {
            modeling.updateProperties(element, { conditionExpression: undefined });
          } else if (bo.conditionExpression) {
            modeling.updateModdleProperties(element, bo.conditionExpression, { body: v });
          } else {
            modeling.updateProperties(element, {
              conditionExpression: moddle.create('bpmn:FormalExpression', { body: v })
            });
          }
        }, { multiline: true, name: 'condition' }));
      }
      var timer = timerExpression(bo);
      if (timer) {
        panelFields.appendChild(field(text.timer, timer.body, function (v) {
          modeling.updateModdleProperties(element, timer, { body: v });
        }, { name: 'timer' }));
      }
    }

    // The time limits are variables set by the intake script: one input per `name = "ISO"` line.
    function slaScript() {
      var found = registry.filter(function (e) {
        return e.type === 'bpmn:ScriptTask' && (e.businessObject.script || '').split('\n').some(function (line) {
          var m = SLA_LINE.exec(line);
          return m && m[3].charAt(0) === 'P';
        });
      });
      return found[0] || null;
    }

    // A limit is named by what the diagram says uses it: the timers whose expression names the variable (their
    // documentation, else their name, with the step they watch) and the steps whose dueIn it is.
    function limitLabel(variable) {
      var uses = [];
      var word = new RegExp('(^|[^A-Za-z0-9_])' + variable + '($|[^A-Za-z0-9_])');
      registry.getAll().forEach(function (e) {
        var bo = e.businessObject;
        if (!bo) { return; }
        var timer = e.type === 'bpmn:BoundaryEvent' ? timerExpression(bo) : null;
        var docs = (bo.documentation || []).map(function (d) { return d.text; }).join(' ').trim();
        if (timer && word.test(timer.body || '')) {
          var host = bo.attachedToRef ? (bo.attachedToRef.name || bo.attachedToRef.id) : '';
          uses.push((host ? host + ' · ' : '') + (docs || bo.name || bo.id));
        } else if (e.type === 'bpmn:UserTask' && spiffProperty(bo, 'dueIn') === variable) {
          uses.push((bo.name || bo.id) + ' · ' + text.due_in);
        }
      });
      return (uses.length ? uses.join('；') : variable) + ' (' + variable + ')';
    }

    function renderSla() {
      var holder = document.getElementById('sla-fields');
      holder.innerHTML = '';
      var element = kind(active || '') === 'bpmn' ? slaScript() : null;
      document.getElementById('sla-panel').hidden = !element;
      if (!element) { return; }
      var lines = (element.businessObject.script || '').split('\n');
      lines.forEach(function (line, index) {
        var m = SLA_LINE.exec(line);
        if (!m || m[3].charAt(0) !== 'P') { return; }
        var box = field(limitLabel(m[2]), m[3], function (v) {
          var message = box.querySelector('.field-error');
          if (!ISO_DURATION.test(v.trim())) {
            input.setAttribute('aria-invalid', 'true');
            message.textContent = text.bad_duration;
            message.hidden = false;
            return;  // a bad duration is reported on its field and not written into the diagram
          }
          input.removeAttribute('aria-invalid');
          message.hidden = true;
          var current = (element.businessObject.script || '').split('\n');
          var again = SLA_LINE.exec(current[index]);
          current[index] = again[1] + again[2] + ' = "' + v.trim() + '"' + again[4];
          modeling.updateProperties(element, { script: current.join('\n') });
        }, { name: 'sla-' + m[2] });
        var input = box.querySelector('input');
        box.appendChild(el('p', { 'class': 'field-error', role: 'alert', hidden: 'hidden' }));
        holder.appendChild(box);
      });
    }

    bpmn.on('selection.changed', function (event) { showPanel(event.newSelection[0] || null); });

    // --- validation, deployment, problems -----------------------------------------------------

    function markProblems() {
      if (kind(active || '') !== 'bpmn') { return; }
      registry.getAll().forEach(function (e) { canvas.removeMarker(e.id, 'problem'); });
      problems.forEach(function (p) {
        if (p.file === active && p.element_id && registry.get(p.element_id)) { canvas.addMarker(p.element_id, 'problem'); }
      });
    }

    function showProblems(list) {
      problems = list;
      var ol = document.getElementById('problems');
      ol.innerHTML = '';
      list.forEach(function (p) {
        var where = [p.file, p.element_name || p.element_id, p.line ? 'L' + p.line : null].filter(Boolean).join(' · ');
        var item = el('li', { 'data-element': p.element_id || '' }, [el('strong', { text: where }), el('span', { text: ' ' + p.message })]);
        item.addEventListener('click', function () {
          if (p.file && files[p.file] !== undefined) {
            open(p.file).then(function () {
              var target = p.element_id && registry.get(p.element_id);
              if (target) { bpmn.get('selection').select(target); canvas.scrollToElement(target); }
            });
          }
        });
        ol.appendChild(item);
      });
      markProblems();
    }

    function submit(dryRun) {
      var result = document.getElementById('deploy-result');
      result.textContent = '…';
      return saveActive().then(function () {
        var form = new FormData();
        Object.keys(files).forEach(function (name) {
          form.append('files', new Blob([files[name]], { type: 'application/octet-stream' }), name.split('/').pop());
        });
        form.append('note', document.getElementById('deploy-note').value);
        return fetchJson('/api/v1/processes' + (dryRun ? '?dry_run=1' : ''), { method: 'POST', body: form });
      }).then(function (resp) {
        if (resp.status === 422) {
          showProblems(resp.body.problems || []);
          result.textContent = text.problems.replace('{n}', (resp.body.problems || []).length);
          result.className = 'error';
          return;
        }
        showProblems([]);
        if (resp.status >= 400) {
          result.textContent = (resp.body.error && resp.body.error.message) || String(resp.status);
          result.className = 'error';
          return;
        }
        result.className = 'ok';
        if (dryRun) {
          result.textContent = text.valid;
        } else {
          result.textContent = text.deployed.replace('{key}', resp.body.key.slice(0, 12));
          root.dataset.version = resp.body.key;
          var header = document.getElementById('current-version');
          if (header) { header.textContent = text.header.replace('{key}', resp.body.key.slice(0, 12)).replace('{who}', text.me); }
          loadVersions();
        }
      });
    }

    document.getElementById('validate-button').addEventListener('click', function () { submit(true); });
    var deployButton = document.getElementById('deploy-button');
    if (deployButton) { deployButton.addEventListener('click', function () { submit(false); }); }

    // --- versions: history, download, compare, move running cases ---------------------------------

    function loadVersions() {
      fetchJson('/api/v1/processes').then(function (resp) {
        var body = document.querySelector('#versions tbody');
        body.innerHTML = '';
        var items = resp.body.items || [];
        items.forEach(function (v, index) {
          var actions = el('td', {}, []);
          actions.appendChild(el('a', { href: '/api/v1/processes/' + v.key + '/files/' + (v.files.filter(function (f) {
            return /\.bpmn$/.test(f);
          })[0] || v.files[0]), text: text.download }));
          if (items[index + 1]) {
            var compare = el('button', { type: 'button', 'class': 'secondary', text: text.compare });
            compare.addEventListener('click', function () { showDiff(v.key, items[index + 1].key); });
            actions.appendChild(compare);
          }
          if (v.current && items.length > 1 && root.dataset.canDeploy === 'true') {
            var migrate = el('button', { type: 'button', 'class': 'secondary', text: text.migrate });
            migrate.addEventListener('click', function () { showMigration(v.key); });
            actions.appendChild(migrate);
          }
          body.appendChild(el('tr', { 'data-version': v.key }, [
            el('td', {}, [el('code', { text: v.key.slice(0, 12) }), el('span', { 'class': v.current ? 'badge' : '', text: v.current ? text.current : '' })]),
            el('td', { text: (v.deployed_at || '').replace('T', ' ').slice(0, 16) }),
            el('td', { text: v.deployed_by || '' }),
            el('td', { text: v.note || '' }),
            actions
          ]));
        });
      });
    }

    function showDiff(newKey, oldKey) {
      fetchJson('/api/v1/processes/' + newKey + '/diff/' + oldKey).then(function (resp) {
        var detail = document.getElementById('version-detail');
        detail.innerHTML = '';
        (resp.body.files || []).forEach(function (f) {
          var list = el('ul', {}, []);
          function changeList(changes) {
            var sub = el('ul', { 'class': 'diff-values' }, []);
            (changes || []).forEach(function (c) {
              sub.appendChild(el('li', {}, [el('code', { text: c.what }), el('span', { text: ': ' }),
                el('del', { text: c.old === null || c.old === undefined ? '—' : c.old }), el('span', { text: ' → ' }),
                el('ins', { text: c.new === null || c.new === undefined ? '—' : c.new })]));
            });
            return sub;
          }
          ['added', 'removed', 'changed'].forEach(function (key) {
            (f[key] || []).forEach(function (e) {
              list.appendChild(el('li', {}, [el('span', { text: text[key] + ': ' + (e.name || e.element_id) + ' (' + e.kind + ')' }),
                changeList(e.changes)]));
            });
          });
          if (f.changes && f.changes.length) { list.appendChild(el('li', {}, [changeList(f.changes)])); }
          detail.appendChild(el('div', {}, [el('strong', { text: f.file + ' · ' + text[f.status] }), list]));
        });
      });
    }

    function showMigration(key) {
      fetchJson('/api/v1/processes/' + key + '/migration').then(function (resp) {
        var detail = document.getElementById('version-detail');
        detail.innerHTML = '';
        var p = resp.body;
        detail.appendChild(el('p', { text: text.movable.replace('{movable}', p.movable).replace('{blocked}', p.blocked) }));
        detail.appendChild(el('p', { 'class': 'help', text: text.limits_note }));
        var list = el('ul', {}, []);
        (p.cases || []).forEach(function (c) {
          list.appendChild(el('li', { text: c.case_no + ' · ' + (c.movable ? '✓' : '✗ ' + c.reasons.join('；')) }));
        });
        detail.appendChild(list);
        if (p.movable) {
          var go = el('button', { type: 'button', text: text.move_now });
          go.addEventListener('click', function () {
            fetchJson('/api/v1/processes/' + key + '/migration', {
              method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}'
            }).then(function (r) {
              go.remove();  // done: the list below is what is left, nothing more to offer until it changes
              detail.appendChild(el('p', { 'class': 'ok', text: text.moved.replace('{n}', (r.body.moved || []).length) }));
              setTimeout(function () { showMigration(key); }, 1500);
            });
          });
          detail.appendChild(go);
        }
      });
    }

    document.querySelectorAll('.file-tabs .tab').forEach(function (tab) {
      tab.addEventListener('click', function () { open(tab.dataset.file); });
    });
    open(Object.keys(files)[0]);
    loadVersions();
  });
})();
