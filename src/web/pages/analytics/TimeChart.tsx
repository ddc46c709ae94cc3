import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  values: number[];
  color: string;
  dash?: number[];
  width?: number;
}

const toSeconds = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

/**
 * A daily line chart (uPlot) with the recorded events drawn as dashed vertical markers and their
 * kind written at the top. It follows its container's width, so it fits a phone.
 */
export function TimeChart({ days, series, markers, height = 260, label }: { days: string[]; series: Series[]; markers: { day: string; text: string }[]; height?: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || days.length === 0) return;
    const data: uPlot.AlignedData = [days.map(toSeconds), ...series.map((s) => s.values)];
    const drawMarkers = (u: uPlot) => {
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = "#c2255c";
      ctx.fillStyle = "#c2255c";
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1.5 * uPlot.pxRatio;
      ctx.font = `${11 * uPlot.pxRatio}px sans-serif`;
      for (const m of markers) {
        const x = u.valToPos(toSeconds(m.day), "x", true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.fillText(m.text, x + 4 * uPlot.pxRatio, u.bbox.top + 12 * uPlot.pxRatio);
      }
      ctx.restore();
    };
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height,
      scales: { x: { time: true } },
      axes: [{}, { size: 50 }],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: s.width ?? 1.5, ...(s.dash ? { dash: s.dash } : {}) }))],
      hooks: { draw: [drawMarkers] },
    };
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days, series, markers, height]);
  return <div ref={box} role="img" aria-label={label} style={{ width: "100%", minWidth: 0 }} />;
}
