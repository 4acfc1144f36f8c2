/* The agency self-assessment form: live preview of points, and no lost work.
 *
 * Each leaf is its own small form that htmx autosaves (hx-post on change / keyup). What the
 * user enters is also kept in localStorage under the form's data-draft-key until the server
 * confirms it saved exactly that; on the next visit an unconfirmed draft is put back into the
 * form and sent again. The server recomputes the points; the preview only mirrors
 * scoring.engine.leaf_points so people see what they will get while typing.
 */
(function () {
  "use strict";

  // Messages: gettext() and interpolate() of the djangojs catalogue (/i18n/js/), which the
  // page loads before this file.
  var gettext = window.gettext, interpolate = window.interpolate;

  var FIELD_NAMES = ["answer", "level", "value", "numerator", "denominator", "sipas", "count",
    "explanation"];

  // --- numbers ---------------------------------------------------------------------------

  function parseNumber(text) {
    // Vietnamese input: decimal comma, dots for thousands, optional trailing %.
    var s = String(text == null ? "" : text).replace(/\u00a0|\s/g, "").replace(/%$/, "");
    if (s === "") return NaN;
    if (s.indexOf(",") >= 0 && s.indexOf(".") >= 0) {
      s = s.lastIndexOf(",") > s.lastIndexOf(".") ? s.replace(/\./g, "").replace(",", ".")
        : s.replace(/,/g, "");
    } else {
      s = s.replace(",", ".");
    }
    return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(s) ? parseFloat(s) : NaN;
  }

  function q2(x) {
    // Half-up to 2 places (the server's q2 on Decimal is authoritative).
    return Math.sign(x) * Math.round(Math.abs(x) * 100 + 1e-9) / 100;
  }

  function vn(x) {
    return q2(x).toFixed(2).replace(".", ",");
  }

  function fractionTable(table, value) {
    var rows = table.slice().sort(function (a, b) {
      return parseNumber(b.min) - parseNumber(a.min);
    });
    for (var i = 0; i < rows.length; i++) {
      if (value >= parseNumber(rows[i].min)) return parseNumber(rows[i].fraction);
    }
    return 0;
  }

  /* Points from the entered values, or {error} / null (nothing to show). */
  function previewPoints(method, params, max, v) {
    if (method === "ratio") {
      if (v.numerator === "" && v.denominator === "") return null;
      var num = parseNumber(v.numerator), den = parseNumber(v.denominator);
      if (isNaN(num) || isNaN(den)) return null;
      if (den <= 0) return { error: gettext("Mẫu số phải lớn hơn 0.") };
      if (num < 0 || num > den) return { error: gettext("Tử số phải nằm trong khoảng từ 0 đến mẫu số.") };
      var percent = num / den * 100;
      var points;
      if (params.table) {
        points = max * fractionTable(params.table, percent);
      } else {
        var threshold = parseNumber(params.threshold == null ? "100" : params.threshold);
        points = percent >= threshold ? max : percent * max / threshold;
      }
      return { points: q2(points), note: interpolate(gettext("tỷ lệ %s"), [vn(percent) + "%"]) };
    }
    if (method === "survey") {
      var sipas = parseNumber(v.sipas);
      if (isNaN(sipas) || sipas < 0 || sipas > 100) return null;
      if (params.table) return { points: q2(max * fractionTable(params.table, sipas)) };
      var fullAt = parseNumber(params.full_at == null ? "100" : params.full_at);
      return { points: q2(sipas >= fullAt ? max : sipas * max / fullAt) };
    }
    if (method === "count" || method === "deduction") {
      if (!/^\d+$/.test(String(v.count || "").trim())) return null;
      var perItem = parseNumber(params.per_item == null ? "1" : params.per_item);
      return { points: q2(Math.min(max, perItem * parseInt(v.count, 10))) };
    }
    return null;
  }

  // --- form values and drafts --------------------------------------------------------------

  function formValues(form) {
    var values = {};
    FIELD_NAMES.forEach(function (name) {
      var elements = form.querySelectorAll("[name='" + name + "']");
      if (!elements.length) return;
      var value = "";
      elements.forEach(function (el) {
        if (el.type === "radio") {
          if (el.checked) value = el.value;
        } else {
          value = el.value;
        }
      });
      values[name] = value;
    });
    return values;
  }

  function applyValues(form, values) {
    Object.keys(values).forEach(function (name) {
      form.querySelectorAll("[name='" + name + "']").forEach(function (el) {
        if (el.type === "radio") {
          el.checked = el.value === values[name];
        } else {
          el.value = values[name];
        }
      });
    });
  }

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // private mode or disabled: autosave still works, drafts are not kept
    }
  }

  function readDraft(form) {
    var store = storage();
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(form.dataset.draftKey) || "null");
    } catch (e) {
      return null;
    }
  }

  function writeDraft(form) {
    var store = storage();
    if (!store) return;
    try {
      store.setItem(form.dataset.draftKey, JSON.stringify(formValues(form)));
    } catch (e) { /* storage full: the server save still runs */ }
  }

  function dropDraftIfSent(form, sent) {
    var store = storage();
    if (!store) return;
    // Keep the draft when the user typed more after this request left.
    if (JSON.stringify(readDraft(form)) === sent) store.removeItem(form.dataset.draftKey);
  }

  function isEditable(form) {
    var fieldset = form.querySelector("fieldset");
    return form.hasAttribute("hx-post") && !(fieldset && fieldset.disabled);
  }

  // --- the live preview ----------------------------------------------------------------------

  function updatePreview(form) {
    var output = form.querySelector(".leaf-preview");
    if (!output) return;
    var params = {};
    try {
      params = JSON.parse(form.dataset.params || "{}");
    } catch (e) { /* no parameters */ }
    var result = previewPoints(form.dataset.method, params, parseNumber(form.dataset.max),
      formValues(form));
    if (!result) {
      output.textContent = "";
    } else if (result.error) {
      output.textContent = result.error;
    } else {
      output.textContent = result.note
        ? interpolate(gettext("≈ %s điểm (tạm tính, %s)"), [vn(result.points), result.note])
        : interpolate(gettext("≈ %s điểm (tạm tính)"), [vn(result.points)]);
    }
  }

  function leafForm(target) {
    return target && target.closest ? target.closest("form.leaf-form") : null;
  }

  function onEdit(event) {
    var form = leafForm(event.target);
    if (!form || !isEditable(form)) return;
    writeDraft(form);
    updatePreview(form);
  }

  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  // Remember what each request carried, to drop the draft only when that exact content saved.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = leafForm(event.detail.elt);
    if (form) form.dataset.sending = JSON.stringify(formValues(form));
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var form = leafForm(event.detail.elt);
    if (!form || !form.dataset.sending) return;
    var fresh = form.querySelector(".leaf-status");
    if (fresh && fresh.dataset.saved === "1") dropDraftIfSent(form, form.dataset.sending);
  });

  // Put back what was not confirmed (closed tab, lost connection) and send it again.
  function restoreDrafts(root) {
    (root || document).querySelectorAll("form.leaf-form").forEach(function (form) {
      updatePreview(form);
      var draft = readDraft(form);
      if (!draft || !isEditable(form)) return;
      if (JSON.stringify(draft) === JSON.stringify(formValues(form))) {
        storage().removeItem(form.dataset.draftKey);
        return;
      }
      applyValues(form, draft);
      updatePreview(form);
      form.classList.add("leaf-restored");
      if (window.htmx) window.htmx.trigger(form, "change");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { restoreDrafts(); });
  } else {
    restoreDrafts();
  }

  window.parWorkspace = { previewPoints: previewPoints, parseNumber: parseNumber };
})();
