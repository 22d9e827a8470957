// The feedback inbox: "Select all on this page" ticks or clears every
// item's box, and shows when only some are ticked. Without script the bulk
// form offers every item that matches the filters instead.
(function () {
  var all = document.getElementById("select-all");
  if (!all) return;
  var boxes = document.querySelectorAll("input[type=checkbox][name=ids][form=bulk]");
  var ticked = document.getElementById("scope");
  if (!boxes.length) return;
  all.parentNode.hidden = false;
  function sync() {
    var n = 0;
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) n++;
    all.checked = n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
    // Ticking items means acting on them, not on every match.
    if (n > 0 && ticked) ticked.checked = true;
  }
  all.addEventListener("change", function () {
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
    sync();
  });
  for (var i = 0; i < boxes.length; i++) boxes[i].addEventListener("change", sync);
  sync();
})();
