import { CircleMarker, GeoJSON, MapContainer, Tooltip } from "react-leaflet";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countries from "world-atlas/countries-50m.json";
import "leaflet/dist/leaflet.css";
import type { Point } from "../../api/operations";

// Drawn from shipped data only: the country outlines of world-atlas and the points. No tile server,
// no outside request: a coordinator's browser asking a map service for these coordinates would leak them.
const topo = countries as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const outlines = feature(topo, topo.objects.countries);

export function PointMap({ meeting, alternate, labels }: { meeting: Point; alternate: Point; labels: { meeting: string; alternate: string } }) {
  return (
    // The test id on a wrapper: MapContainer hands its props to Leaflet, not to the element.
    <div data-testid="operation-map">
      <MapContainer center={[meeting.lat, meeting.lon]} zoom={9} style={{ height: 320, width: "100%", background: "#dfe9f2" }} attributionControl={false}>
        <GeoJSON data={outlines} style={{ color: "#555", weight: 1, fillColor: "#f4f1e8", fillOpacity: 1 }} />
        <CircleMarker center={[meeting.lat, meeting.lon]} radius={9} pathOptions={{ color: "#c92a2a", fillOpacity: 0.8 }}>
          <Tooltip permanent>{labels.meeting}</Tooltip>
        </CircleMarker>
        <CircleMarker center={[alternate.lat, alternate.lon]} radius={7} pathOptions={{ color: "#1971c2", fillOpacity: 0.6 }}>
          <Tooltip>{labels.alternate}</Tooltip>
        </CircleMarker>
      </MapContainer>
    </div>
  );
}
