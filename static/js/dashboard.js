// Dashboard charts (kept out of the page: the CSP allows scripts from our origin only).
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  // Band colours from the stylesheet (one source for tables, legends and charts).
  var style = getComputedStyle(document.documentElement);
  var colour = {
    tot: style.getPropertyValue("--tot").trim(),
    kha: style.getPropertyValue("--kha").trim(),
    trung_binh: style.getPropertyValue("--tb").trim(),
    yeu: style.getPropertyValue("--yeu").trim()
  };
  var ranking = document.getElementById("ranking-chart");
  // On a phone the names get half the room: the shorter (still distinct) labels.
  var narrow = ranking.parentElement.clientWidth < 560;
  new Chart(ranking, {
    type: "bar",
    data: {
      labels: narrow ? data.ranking.labels_narrow : data.ranking.labels,
      datasets: [{
        label: ranking.dataset.label,
        data: data.ranking.values.map(Number),
        backgroundColor: data.ranking.bands.map(function (band) { return colour[band] || "#5f6368"; })
      }]
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,  // the box's height: one line per unit
      scales: {x: {min: 0, max: 100}, y: {ticks: {autoSkip: false}}},
      plugins: {
        legend: {display: false},
        // The axis may show a shortened name; the tooltip always the whole one.
        tooltip: {callbacks: {title: function (items) { return data.ranking.names[items[0].dataIndex]; }}}
      }
    }
  });
  new Chart(document.getElementById("band-chart"), {
    type: "doughnut",
    data: {
      labels: data.bands.labels,
      datasets: [{data: data.bands.values, backgroundColor: data.bands.codes.map(function (code) { return colour[code]; })}]
    }
  });
})();
