// The dashboard's charts (reports/dashboard.html); data from the #dash-charts JSON script.
(function () {
  const opts = JSON.parse(document.getElementById('dash-charts').textContent);
  function draw(id, option) {
    const el = document.getElementById(id);
    if (!el) return null;
    const chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener('resize', () => chart.resize());
    return chart;
  }
  draw('chart-trend', opts.trend);
  draw('chart-bars', opts.bars);
  draw('chart-composition', opts.composition);
  const tm = draw('chart-treemap', opts.treemap);
  if (tm) {
    opts.treemap.tooltip.formatter = (p) => p.data ? `${p.name}<br>建档立卡 ${p.value} 人<br>未脱贫 ${p.data.poor} 人<br>监测 ${p.data.monitored} 人` : p.name;
    tm.setOption({tooltip: opts.treemap.tooltip});
    tm.on('dblclick', (p) => { if (p.data && p.data.url) window.location.href = p.data.url; });
  }
  document.body.dataset.chartsReady = '1';
})();
