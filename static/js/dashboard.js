// Dashboard charts (kept out of the page: the CSP allows scripts from our origin only).
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var ranking = document.getElementById("ranking-chart");
  new Chart(ranking, {
    type: "bar",
    data: {labels: data.ranking.labels, datasets: [{label: ranking.dataset.label, data: data.ranking.values.map(Number), backgroundColor: "#a50e0e"}]},
    options: {indexAxis: "y", scales: {x: {min: 0, max: 100}}, plugins: {legend: {display: false}}}
  });
  new Chart(document.getElementById("band-chart"), {
    type: "doughnut",
    data: {labels: data.bands.labels, datasets: [{data: data.bands.values, backgroundColor: ["#1b7f3b", "#2a62b8", "#b87a00", "#b3261e"]}]}
  });
})();
