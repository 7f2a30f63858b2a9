// What the map view draws with, in a chunk of its own (web/build.mjs splits the explorer):
// Natural Earth's 1:110m country outlines from the `world-atlas` package and d3-geo's
// projection, about half the explorer's script before it was split, fetched when the map is
// first opened.
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import countries110m from 'world-atlas/countries-110m.json';

export { geoNaturalEarth1, geoPath };

/** The land as one shape. */
export const land = feature(countries110m, countries110m.objects.countries);

/** The borders between countries, as lines. */
export const borders = mesh(countries110m, countries110m.objects.countries, (a, b) => a !== b);
