"""Make static/countries-110m.geojson, the country shapes the dashboard's map draws.

The shapes are Natural Earth's 1:110m admin-0 countries (public domain) as packed by the npm
package world-atlas 2.0.2 (ISC licence, Mike Bostock): a TopoJSON file whose features carry the
ISO 3166-1 numeric code. This script decodes the TopoJSON, gives each feature its ISO3 code
(from REST Countries' ccn3 -> cca3), rounds coordinates to 0.01 degree (about 1 km, finer than
the 1:110m scale) and writes GeoJSON. The map needs no network: Plotly draws these shapes
instead of fetching its own from a CDN.

    npm pack world-atlas@2.0.2 && tar -xzf world-atlas-2.0.2.tgz
    uv run python scripts/world_geometry.py package/countries-110m.json \
        ../shared/data/raw/geo/countriesV3.1.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static" / "countries-110m.geojson"
# Natural Earth draws Kosovo without an ISO numeric code (Northern Cyprus is left out).
BY_NAME = {"Kosovo": "XKX"}


def arcs_of(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute coordinates (delta-decoded and transformed)."""
    scale = topology.get("transform", {}).get("scale", [1, 1])
    shift = topology.get("transform", {}).get("translate", [0, 0])
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + shift[0], y * scale[1] + shift[1]))
        out.append(points)
    return out


def ring(indexes: list[int], arcs: list) -> list[list[float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return [[round(x, 2), round(y, 2)] for x, y in points]


def geometry(obj: dict, arcs: list) -> dict | None:
    if obj.get("type") == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r, arcs) for r in obj["arcs"]]}
    if obj.get("type") == "MultiPolygon":
        polygons = [[ring(r, arcs) for r in p] for p in obj["arcs"]]
        return {"type": "MultiPolygon", "coordinates": polygons}
    return None


def main(topojson: Path, restcountries: Path) -> None:
    topology = json.loads(topojson.read_text(encoding="utf-8"))
    codes = {
        str(c["ccn3"]).zfill(3): c["cca3"]
        for c in json.loads(restcountries.read_text(encoding="utf-8"))
        if c.get("ccn3") and c.get("cca3")
    }
    arcs = arcs_of(topology)
    features = []
    for obj in topology["objects"]["countries"]["geometries"]:
        name = obj.get("properties", {}).get("name", "")
        iso3 = codes.get(str(obj.get("id", "")).zfill(3)) or BY_NAME.get(name)
        shape = geometry(obj, arcs)
        if iso3 and shape:
            features.append({"type": "Feature", "id": iso3, "properties": {}, "geometry": shape})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    collection = {"type": "FeatureCollection", "features": features}
    OUT.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    print(f"{OUT.name}: {len(features)} countries, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: world_geometry.py COUNTRIES-110M.JSON COUNTRIESV3.1.JSON")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
