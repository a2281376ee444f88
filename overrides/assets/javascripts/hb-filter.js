// Goal lists of a large catalog (audience and tag pages): a filter box by text and tag.
// A static file of the theme override (the safety scan trusts only the theme's own scripts);
// its labels come from data attributes the generator wrote, so catalog text is never code.
(function () {
  "use strict";
  function setUp(list) {
    var items = Array.prototype.slice.call(list.querySelectorAll(":scope > li"));
    var tags = {};
    items.forEach(function (li) {
      li.hbText = li.textContent.toLowerCase();
      li.hbTags = (li.getAttribute("data-tags") || "").split(" ").filter(Boolean);
      li.hbTags.forEach(function (t) { tags[t] = true; });
    });
    var box = document.createElement("div");
    box.className = "hb-filter";
    var input = document.createElement("input");
    input.type = "search";
    input.setAttribute("aria-label", list.getAttribute("data-filter-label") || "Filter");
    input.placeholder = list.getAttribute("data-filter-label") || "Filter";
    var select = document.createElement("select");
    select.setAttribute("aria-label", list.getAttribute("data-filter-all") || "Tags");
    var all = document.createElement("option");
    all.value = "";
    all.textContent = list.getAttribute("data-filter-all") || "";
    select.appendChild(all);
    Object.keys(tags).sort().forEach(function (t) {
      var option = document.createElement("option");
      option.value = t;
      option.textContent = "#" + t;
      select.appendChild(option);
    });
    var count = document.createElement("span");
    count.className = "hb-meta";
    count.setAttribute("aria-live", "polite");
    var shown = list.getAttribute("data-filter-shown") || "";
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var tag = select.value;
      var n = 0;
      items.forEach(function (li) {
        var show = (!tag || li.hbTags.indexOf(tag) >= 0) &&
          words.every(function (w) { return li.hbText.indexOf(w) >= 0; });
        li.hidden = !show;
        if (show) { n += 1; }
      });
      count.textContent = n + " / " + items.length + " " + shown;
    }
    input.addEventListener("input", apply);
    select.addEventListener("change", apply);
    box.appendChild(input);
    box.appendChild(select);
    box.appendChild(count);
    list.parentNode.insertBefore(box, list);
    apply();
  }
  function init() {
    document.querySelectorAll("ul.hb-goal-list").forEach(function (list) {
      if (!list.hbFiltered) { list.hbFiltered = true; setUp(list); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
