(function () {
  document.querySelectorAll(".gallery-block").forEach(function (block) {
    var input = block.querySelector("input.gallery-filter");
    var count = block.querySelector(".gallery-count");
    var figures = block.querySelectorAll("figure[data-name]");
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      figures.forEach(function (figure) {
        var match = figure.getAttribute("data-name").indexOf(query) !== -1;
        figure.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = shown + " of " + figures.length;
    });
  });
})();
