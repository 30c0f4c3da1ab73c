#!/usr/bin/python3
"""scripts/map.py: the QGIS side of scripts/map (run with the system python3).

    map.py render PROJECT.qgs OUTDIR   each print layout of the project to OUTDIR/<layout>.png
    map.py project PROJECT.qgs         write the project: layers, styles, layouts

The layers are views in schema scomm_data (scripts/demo.d/70_map_layers.sql),
read through QGIS's PostgreSQL provider with no connection parameters in the
project, so libpq takes them from PGHOST, PGPORT, PGUSER and PGDATABASE.
Each layout is one map: a title, the 48 contiguous states in Albers equal
area (EPSG:5070), Alaska (EPSG:3338) and Hawaii (ESRI:102007) in insets
with their own Albers projections, a legend and the data sources.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/runtime-%d" % os.getuid())

from qgis.core import (  # noqa: E402
    QgsApplication, QgsCategorizedSymbolRenderer, QgsCoordinateReferenceSystem,
    QgsCoordinateTransform, QgsFeatureRequest, QgsFillSymbol, QgsGeometry,
    QgsGraduatedSymbolRenderer, QgsLayoutExporter, QgsLayoutItemLabel,
    QgsLayoutItemLegend, QgsLayoutItemMap, QgsLayoutPoint, QgsLayoutSize,
    QgsLegendRenderer, QgsLegendStyle, QgsPalLayerSettings, QgsPrintLayout, QgsProject,
    QgsProviderRegistry, QgsRectangle, QgsRendererCategory, QgsRendererRange, QgsTextFormat, QgsUnitTypes,
    QgsVectorLayer, QgsVectorLayerSimpleLabeling)
from qgis.PyQt.QtGui import QColor, QFont  # noqa: E402

# page 320 x 200 mm exported at 127 dpi: 1600 x 1000 pixels
PAGE_W, PAGE_H, DPI = 320.0, 200.0, 127
FONT = "DejaVu Sans"
NODATA = "#d9d9d9"
# latent class colours by class number (ColorBrewer Set1)
CLASS_COLOURS = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999"]
SOURCES = ("Boundaries: US Census 2010 counties, 1:20m. Activation dates: Secure Communities "
           "(Vargas-Nunez et al. replication data). Crime: FBI CIUS Tables 8 and 10, offences known to "
           "every reporting agency. ICE field offices: UWCHR. Made with scomm (scripts/map).")

# name, layer, title, subtitle
MAPS = [
    ("latent_class", "Latent class",
     "Latent classes of counties",
     "scomm_data.county_class: each county's most likely class, as the latent class step estimated it"),
    ("activation_year", "Activation year",
     "When Secure Communities reached each county",
     "Year of activation, 2008-2013 (every county was activated by 2013-01-22)"),
    ("burglary_change", "Burglary change",
     "Burglaries after activation against before",
     "Offences per 100,000 residents known to every reporting agency (county-years with coverage of at "
     "least 90%): mean of the 3 years after activation minus the 3 years before"),
    ("activation_clusters", "Activation clusters",
     "Where activation came early or late together",
     "Local Moran's I of the activation day, queen neighbours, 999 permutations, p <= 0.05"),
    ("field_offices", "Field offices",
     "ICE field offices: share of counties activated early",
     "Counties of each area of responsibility activated before 2010-10-01 (FY2011)"),
]


def fill(colour, outline="#ffffff", width="0.05"):
    return QgsFillSymbol.createSimple({"color": colour, "outline_color": outline,
                                       "outline_width": width, "outline_width_unit": "MM"})


def pg_layer(view, name, key="id"):
    uri = 'key=\'%s\' srid=4326 type=MultiPolygon checkPrimaryKeyUnicity=\'0\' table="scomm_data"."%s" (geom)' % (key, view)
    layer = QgsVectorLayer(uri, name, "postgres")
    if not layer.isValid():
        sys.exit("scripts/map: cannot open scomm_data.%s (is the demo database loaded, and are "
                 "PGHOST/PGPORT/PGDATABASE set?)" % view)
    return layer


# ---------------------------------------------------------------------------
# Styles

def class_renderer(layer):
    """One category per latent class present, then the unclassified counties."""
    idx = layer.fields().indexOf("latent_class")
    classes = sorted(v for v in layer.uniqueValues(idx) if v is not None and str(v) != "NULL")
    cats = [QgsRendererCategory(c, fill(CLASS_COLOURS[(int(c) - 1) % len(CLASS_COLOURS)]), "Class %d" % c)
            for c in classes]
    cats.append(QgsRendererCategory(None, fill(NODATA), "not classified"))
    return QgsCategorizedSymbolRenderer("latent_class", cats)


def year_renderer():
    colours = ["#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#fde725"]
    ranges = [QgsRendererRange(y - 0.5, y + 0.5, fill(c), str(y))
              for y, c in zip(range(2008, 2014), colours)]
    r = QgsGraduatedSymbolRenderer("activation_year", ranges)
    return r


def change_renderer():
    breaks = [-1e9, -150, -75, -25, 25, 75, 150, 1e9]
    colours = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]
    labels = ["fell by more than 150", "fell by 75 to 150", "fell by 25 to 75", "within 25",
              "rose by 25 to 75", "rose by 75 to 150", "rose by more than 150"]
    ranges = [QgsRendererRange(breaks[k], breaks[k + 1], fill(colours[k]), labels[k]) for k in range(7)]
    r = QgsGraduatedSymbolRenderer("coalesce(burglary_change, -1e12)", ranges)
    r.addClassRange(QgsRendererRange(-2e12, -1e10, fill(NODATA), "no data (coverage below 90%)"))
    return r


def cluster_renderer():
    cats = [("high-high", "#d7191c", "late among late (high-high)"),
            ("low-low", "#2c7bb6", "early among early (low-low)"),
            ("high-low", "#fdae61", "late among early (high-low)"),
            ("low-high", "#abd9e9", "early among late (low-high)"),
            ("not significant", "#f0f0f0", "not significant")]
    cs = [QgsRendererCategory(v, fill(c, "#cccccc"), label) for v, c, label in cats]
    cs.append(QgsRendererCategory(None, fill(NODATA), "no neighbours"))
    return QgsCategorizedSymbolRenderer("activation_cluster", cs)


def office_renderer():
    breaks = [0, 0.1, 0.25, 0.5, 0.75, 1.0]
    colours = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"]
    labels = ["under 10%", "10% to 25%", "25% to 50%", "50% to 75%", "75% or more"]
    ranges = [QgsRendererRange(breaks[k], breaks[k + 1], fill(colours[k], "#333333", "0.3"), labels[k])
              for k in range(5)]
    r = QgsGraduatedSymbolRenderer("share_early", ranges)
    return r


def label_offices(layer):
    s = QgsPalLayerSettings()
    s.fieldName = "aor"
    s.placement = QgsPalLayerSettings.OverPoint
    fmt = QgsTextFormat()
    fmt.setFont(QFont(FONT))
    fmt.setSize(7)
    fmt.buffer().setEnabled(True)
    fmt.buffer().setSize(0.8)
    s.setFormat(fmt)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(s))
    layer.setLabelsEnabled(True)


# ---------------------------------------------------------------------------
# Layouts

def extent(layer, expression, crs, project):
    """Bounding box in crs of the features matching expression, 3% wider."""
    tr = QgsCoordinateTransform(layer.crs(), crs, project)
    box = QgsRectangle()
    box.setMinimal()
    for f in layer.getFeatures(QgsFeatureRequest().setFilterExpression(expression)):
        g = QgsGeometry(f.geometry())
        g.transform(tr)
        box.combineExtentWith(g.boundingBox())
    box.scale(1.03)
    return box


def add_label(layout, text, x, y, w, h, size, bold=False, colour="#000000"):
    item = QgsLayoutItemLabel(layout)
    item.setText(text)
    font = QFont(FONT)
    font.setPointSizeF(size)
    font.setBold(bold)
    item.setFont(font)
    item.setFontColor(QColor(colour))
    item.setMode(QgsLayoutItemLabel.ModeFont)
    item.attemptMove(QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters))
    item.attemptResize(QgsLayoutSize(w, h, QgsUnitTypes.LayoutMillimeters))
    layout.addLayoutItem(item)
    return item


def add_map(layout, layers, crs, box, x, y, w, h, frame):
    m = QgsLayoutItemMap(layout)
    layout.addLayoutItem(m)
    m.setCrs(QgsCoordinateReferenceSystem(crs))
    m.attemptMove(QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters))
    # size, extent (which changes the height to the extent's shape), size
    # again, then the extent fitted into it: a map item without a size or
    # extent gets NaN coordinates
    m.attemptResize(QgsLayoutSize(w, h, QgsUnitTypes.LayoutMillimeters))
    m.setExtent(box)
    m.attemptResize(QgsLayoutSize(w, h, QgsUnitTypes.LayoutMillimeters))
    m.zoomToExtent(box)
    m.setLayers(layers)
    m.setKeepLayerSet(True)
    m.setFrameEnabled(frame)
    m.setFrameStrokeColor(QColor("#888888"))
    m.setBackgroundEnabled(True)
    m.setBackgroundColor(QColor("#ffffff"))
    return m


def make_layout(project, name, title, subtitle, layer, states):
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(name)
    layout.pageCollection().page(0).setPageSize(QgsLayoutSize(PAGE_W, PAGE_H, QgsUnitTypes.LayoutMillimeters))
    layers = [states, layer]  # the state borders drawn over the counties
    conus = extent(states, "state NOT IN ('AK', 'HI')", QgsCoordinateReferenceSystem("EPSG:5070"), project)
    alaska = extent(states, "state = 'AK'", QgsCoordinateReferenceSystem("EPSG:3338"), project)
    hawaii = extent(states, "state = 'HI'", QgsCoordinateReferenceSystem("ESRI:102007"), project)
    main = add_map(layout, layers, "EPSG:5070", conus, 4, 24, 250, 164, False)
    add_map(layout, layers, "EPSG:3338", alaska, 6, 152, 64, 34, True)
    add_map(layout, layers, "ESRI:102007", hawaii, 72, 164, 36, 22, True)
    add_label(layout, title, 8, 5, 300, 10, 17, bold=True)
    add_label(layout, subtitle, 8, 14.5, 300, 8, 9, colour="#333333")
    add_label(layout, SOURCES, 8, 190, 304, 8, 6.5, colour="#555555")
    legend = QgsLayoutItemLegend(layout)
    legend.setLinkedMap(main)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    root.addLayer(layer)
    legend.setTitle(layer.name())
    for style, size, bold in ((QgsLegendStyle.Title, 11, True), (QgsLegendStyle.SymbolLabel, 9, False)):
        f = QFont(FONT)
        f.setPointSizeF(size)
        f.setBold(bold)
        legend.setStyleFont(style, f)
    legend.attemptMove(QgsLayoutPoint(258, 40, QgsUnitTypes.LayoutMillimeters))
    layout.addLayoutItem(legend)
    # the legend shows the symbols under its title, not the layer's name again
    QgsLegendRenderer.setNodeLegendStyle(root.findLayer(layer.id()), QgsLegendStyle.Hidden)
    legend.refresh()
    project.layoutManager().addLayout(layout)


def write_project(path):
    project = QgsProject.instance()
    project.clear()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:5070"))
    project.setTitle("scomm: counties on the map")
    renderers = {"Activation year": year_renderer, "Burglary change": change_renderer,
                 "Activation clusters": cluster_renderer}
    styled = {}
    for _, name, _, _ in MAPS:
        if name == "Field offices":
            layer = pg_layer("field_office_layer", name)
            layer.setRenderer(office_renderer())
            label_offices(layer)
        else:
            layer = pg_layer("county_layer", name)
            layer.setRenderer(class_renderer(layer) if name == "Latent class" else renderers[name]())
        styled[name] = layer
    states = pg_layer("state_layer", "State borders")
    states.renderer().setSymbol(QgsFillSymbol.createSimple({
        "color": "0,0,0,0", "outline_color": "#4d4d4d", "outline_width": "0.25", "outline_width_unit": "MM"}))
    for layer in styled.values():
        project.addMapLayer(layer)
    project.addMapLayer(states)
    root = project.layerTreeRoot()
    node = root.findLayer(states.id())
    root.insertChildNode(0, node.clone())
    root.removeChildNode(node)
    for name, layer_name, title, subtitle in MAPS:
        layer = styled[layer_name]
        make_layout(project, name, title, subtitle, layer, states)
        node = root.findLayer(layer.id())
        node.setItemVisibilityChecked(layer_name == "Activation year")
    if not project.write(path):
        sys.exit("scripts/map: cannot write %s" % path)


# ---------------------------------------------------------------------------
# Rendering

def render(path, outdir):
    project = QgsProject.instance()
    if not project.read(path):
        sys.exit("scripts/map: cannot read %s" % path)
    bad = [l.name() for l in project.mapLayers().values() if not l.isValid()]
    if bad:
        sys.exit("scripts/map: cannot open the layers %s: is the demo database loaded, and do "
                 "PGHOST, PGPORT, PGUSER and PGDATABASE point at it?" % ", ".join(sorted(bad)))
    # classes come from the data: one category per class present
    placeholder = False
    for layer in project.mapLayersByName("Latent class"):
        layer.setRenderer(class_renderer(layer))
        placeholder = note_placeholder(layer)
    os.makedirs(outdir, exist_ok=True)
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = DPI
    written = []
    for layout in project.layoutManager().printLayouts():
        if layout.name() == "latent_class" and placeholder:
            for item in layout.items():
                if isinstance(item, QgsLayoutItemLabel) and item.text().startswith("scomm_data.county_class"):
                    item.setText("PLACEHOLDER: no latent class step has run; these are the SIMULATED true "
                                 "classes of simulate_removals (seed 1)")
                    item.setFontColor(QColor("#b2182b"))
        for item in layout.items():
            if isinstance(item, QgsLayoutItemLegend):
                item.updateLegend()
        out = os.path.join(outdir, layout.name() + ".png")
        result = QgsLayoutExporter(layout).exportToImage(out, settings)
        if result != QgsLayoutExporter.Success:
            sys.exit("scripts/map: exporting %s failed (%d)" % (out, result))
        written.append(out)
    for out in written:
        print(out)


def note_placeholder(layer):
    """Whether scomm_data.county_class says it holds the demo's placeholder."""
    md = QgsProviderRegistry.instance().providerMetadata("postgres")
    c = md.createConnection(layer.dataProvider().uri().uri(), {})
    rows = c.executeSql("SELECT coalesce(obj_description('scomm_data.county_class'::regclass, 'pg_class'), '')")
    return bool(rows) and str(rows[0][0]).startswith("PLACEHOLDER")


def main(argv):
    if len(argv) < 3 or argv[1] not in ("render", "project") or (argv[1] == "render" and len(argv) != 4):
        sys.exit(__doc__)
    app = QgsApplication([], False)
    app.initQgis()
    try:
        if argv[1] == "project":
            write_project(argv[2])
        else:
            render(argv[2], argv[3])
    finally:
        app.exitQgis()


if __name__ == "__main__":
    main(sys.argv)
