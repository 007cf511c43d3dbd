// Progressive disclosure (CSP-safe, no inline code): a block marked
// data-show-for="<field name>" data-show-values="a b" is shown only while that field of its form
// holds one of those values. Without JavaScript every block stays visible; the server checks anyway.
(function () {
  "use strict";
  function valueOf(form, name) {
    var checked = form.querySelector('[name="' + name + '"]:checked');
    if (checked) return checked.value;
    var field = form.querySelector('select[name="' + name + '"], input[name="' + name + '"]:not([type=radio])');
    return field ? field.value : "";
  }
  function refresh(form) {
    form.querySelectorAll("[data-show-for]").forEach(function (block) {
      var values = block.getAttribute("data-show-values").split(/\s+/);
      var shown = values.indexOf(valueOf(form, block.getAttribute("data-show-for"))) !== -1;
      block.hidden = !shown;
      block.querySelectorAll("input, select, textarea, button").forEach(function (el) {
        el.disabled = !shown;
      });
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-show-for]")) return;
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();
