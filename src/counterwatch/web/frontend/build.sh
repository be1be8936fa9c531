#!/usr/bin/env bash
# Install the front-end libraries from npm and copy what the pages load into static/vendor/.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --loglevel=error
vendor=../static/vendor
mkdir -p "$vendor"
cp node_modules/d3/dist/d3.min.js "$vendor/"
cp node_modules/topojson-client/dist/topojson-client.min.js "$vendor/"
cp node_modules/world-atlas/countries-110m.json "$vendor/"
cp node_modules/cytoscape/dist/cytoscape.min.js "$vendor/"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css "$vendor/"
cp node_modules/layout-base/layout-base.js node_modules/cose-base/cose-base.js \
   node_modules/cytoscape-fcose/cytoscape-fcose.js node_modules/supercluster/dist/supercluster.min.js "$vendor/"
