//! The portfolio package's `index.html` and `portfolio.csv`, from a [`Portfolio`].
//!
//! The page is the report page's sibling (`templates/portfolio.html`, the styles of
//! `templates/base.css`): one self-contained, printable file without script or external asset,
//! every product's and organisation's text escaped by tera's autoescape, every link a relative
//! path into the portfolio package built here from folder names the portfolio chose. It stays
//! usable at a thousand products: the matrix groups the products by level in each practice,
//! the heatmap shows status counts per requirement and the per-product grids in collapsed
//! sections of [`CHUNK`] products, and long lists are collapsed.

use std::collections::BTreeMap;

use anyhow::Context as _;
use serde::Serialize;

use crate::eval::Status;
use crate::portfolio::{Portfolio, ProductView};

const TEMPLATE_NAME: &str = "portfolio.html";
const TEMPLATE: &str = include_str!("../../templates/portfolio.html");

/// Up to this many products, the matrix has a row per product and the heatmap is shown open.
const FULL: usize = 40;
/// Products per heatmap grid.
const CHUNK: usize = 25;
/// Weakest requirements shown before the rest is collapsed.
const TOP: usize = 12;

/// Statuses in the order the page counts them, with a label and a one-letter cell mark.
const STATUSES: [(Status, &str, &str); 6] = [
    (Status::Satisfied, "satisfied", "S"),
    (Status::Partial, "partial", "P"),
    (Status::NotSatisfied, "not satisfied", "N"),
    (Status::Unknown, "unknown", "?"),
    (Status::Waived, "waived", "W"),
    (Status::NotApplicable, "not applicable", "–"),
];

/// A weakest requirement lists at most this many products; the heatmap and portfolio.csv
/// have them all.
const LISTED: usize = 60;

fn mark(s: Status) -> &'static str {
    STATUSES
        .iter()
        .find(|(x, _, _)| *x == s)
        .map_or("?", |(_, _, m)| *m)
}

/// A product as the page links it.
#[derive(Serialize)]
struct ProductLink<'a> {
    id: &'a str,
    name: &'a str,
    /// Its newest release's page, or its report.json.
    href: &'a str,
}

fn link(p: &ProductView) -> ProductLink<'_> {
    let newest = p.releases.last();
    ProductLink {
        id: &p.id,
        name: &p.name,
        href: newest
            .map(|r| r.page.as_deref().unwrap_or(&r.report))
            .unwrap_or(""),
    }
}

/// A row of the maturity matrix: one product and its level in each practice.
#[derive(Serialize)]
struct MatrixRow<'a> {
    levels: Vec<Option<u8>>,
    product: ProductLink<'a>,
}

/// A row of the grouped matrix (beyond [`FULL`] products): one level, and in each practice the
/// products at that level.
#[derive(Serialize)]
struct LevelRow<'a> {
    level: Option<u8>,
    cells: Vec<Vec<ProductLink<'a>>>,
}

#[derive(Serialize)]
struct Distribution<'a> {
    practice: &'a str,
    name: &'a str,
    /// Products at no level, ML1 … ML4.
    counts: [usize; 5],
}

#[derive(Serialize)]
struct StatusCount {
    status: &'static str,
    label: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct HeatRow<'a> {
    id: &'a str,
    title: &'a str,
    organisation_level: bool,
    counts: Vec<StatusCount>,
    inherited: usize,
}

#[derive(Serialize)]
struct Cell {
    /// `c` and a letter of the status (`cs`, `cp`, `cn`, `cu`, `cw`, `ca`), then ` i` when
    /// inherited: a thousand products make fifty thousand cells, so each is kept short.
    class: String,
    mark: &'static str,
    href: String,
}

#[derive(Serialize)]
struct Grid<'a> {
    first: usize,
    last: usize,
    products: Vec<ProductLink<'a>>,
    /// Per requirement: its id and one cell per product.
    rows: Vec<(&'a str, Vec<Cell>)>,
}

#[derive(Serialize)]
struct Page<'a> {
    full: bool,
    /// A row per product, up to [`FULL`] products; else `grouped`.
    matrix: Vec<MatrixRow<'a>>,
    grouped: Vec<LevelRow<'a>>,
    distribution: Vec<Distribution<'a>>,
    statuses: Vec<StatusCount>,
    heat: Vec<HeatRow<'a>>,
    grids: Vec<Grid<'a>>,
    top: usize,
    /// Weakest requirements past the first `top`.
    more: usize,
    /// Products listed per weakest requirement.
    listed: usize,
    /// Products whose newest report cites organisation records.
    citing: Vec<&'a ProductView>,
    names: BTreeMap<&'a str, ProductLink<'a>>,
    package: &'a [(&'a str, &'a str)],
}

/// Render `index.html`. `package` lists the package's entries (path, what it holds).
pub fn render_html(p: &Portfolio, package: &[(&str, &str)]) -> anyhow::Result<String> {
    let page = Page::new(p, package);
    let mut tera = tera::Tera::new();
    tera.register_filter(
        "status_label",
        |s: &str, _: tera::Kwargs, _: &tera::State| {
            STATUSES
                .iter()
                .find(|(x, _, _)| x.as_str() == s)
                .map_or("unknown", |(_, l, _)| *l)
        },
    );
    tera.add_raw_templates(
        super::html::SHARED
            .into_iter()
            .chain([(TEMPLATE_NAME, TEMPLATE)]),
    )
    .context("the embedded portfolio template does not parse")?;
    let mut ctx = tera::Context::new();
    ctx.insert("p", p);
    ctx.insert("page", &page);
    let html = tera
        .render(TEMPLATE_NAME, &ctx)
        .context("rendering the portfolio page")?;
    Ok(crate::sanitize::document(&html))
}

impl<'a> Page<'a> {
    fn new(p: &'a Portfolio, package: &'a [(&'a str, &'a str)]) -> Self {
        let full = p.products.len() <= FULL;
        let levels = |prod: &ProductView| -> Vec<Option<u8>> {
            let newest = prod.releases.last();
            p.practices
                .iter()
                .map(|x| newest.and_then(|r| r.maturity.get(&x.id).copied().flatten()))
                .collect()
        };
        let matrix: Vec<MatrixRow<'a>> = if full {
            p.products
                .iter()
                .map(|prod| MatrixRow {
                    levels: levels(prod),
                    product: link(prod),
                })
                .collect()
        } else {
            Vec::new()
        };
        // Highest level first, products without one last.
        let grouped = if full {
            Vec::new()
        } else {
            [Some(4), Some(3), Some(2), Some(1), None]
                .into_iter()
                .map(|level| LevelRow {
                    level,
                    cells: (0..p.practices.len())
                        .map(|i| {
                            p.products
                                .iter()
                                .filter(|prod| levels(prod)[i] == level)
                                .map(link)
                                .collect()
                        })
                        .collect(),
                })
                .collect()
        };
        let distribution = p
            .practices
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let mut counts = [0; 5];
                for prod in &p.products {
                    let l = levels(prod)[i].map_or(0, usize::from).min(4);
                    counts[l] += 1;
                }
                Distribution {
                    practice: &x.id,
                    name: &x.name,
                    counts,
                }
            })
            .collect();
        let statuses = counts(|s| p.summary.statuses.get(s.as_str()).copied().unwrap_or(0));
        let heat = p
            .requirements
            .iter()
            .map(|req| {
                let of = |s: Status| {
                    p.products
                        .iter()
                        .filter(|prod| {
                            prod.requirements
                                .iter()
                                .any(|r| r.id == req.id && r.status == s)
                        })
                        .count()
                };
                HeatRow {
                    id: &req.id,
                    title: &req.title,
                    organisation_level: req.organisation_level,
                    counts: counts(of),
                    inherited: p
                        .products
                        .iter()
                        .filter(|prod| {
                            prod.requirements
                                .iter()
                                .any(|r| r.id == req.id && r.source == "organisation")
                        })
                        .count(),
                }
            })
            .collect();
        let grids = p
            .products
            .chunks(CHUNK)
            .enumerate()
            .map(|(n, chunk)| Grid {
                first: n * CHUNK + 1,
                last: n * CHUNK + chunk.len(),
                products: chunk.iter().map(link).collect(),
                rows: p
                    .requirements
                    .iter()
                    .map(|req| {
                        let cells = chunk.iter().map(|prod| cell(prod, &req.id)).collect();
                        (req.id.as_str(), cells)
                    })
                    .collect(),
            })
            .collect();
        Page {
            full,
            matrix,
            grouped,
            distribution,
            statuses,
            heat,
            grids,
            top: TOP,
            more: p.weakest.len().saturating_sub(TOP),
            listed: LISTED,
            citing: p
                .products
                .iter()
                .filter(|x| x.organisation.is_some())
                .collect(),
            names: p
                .products
                .iter()
                .map(|x| (x.id.as_str(), link(x)))
                .collect(),
            package,
        }
    }
}

fn counts(of: impl Fn(Status) -> usize) -> Vec<StatusCount> {
    STATUSES
        .iter()
        .map(|(s, l, _)| StatusCount {
            status: s.as_str(),
            label: l,
            count: of(*s),
        })
        .collect()
}

/// A heatmap cell: the status the portfolio counts, linked to the requirement in the product's
/// newest report.
fn cell(prod: &ProductView, requirement: &str) -> Cell {
    let r = prod.requirements.iter().find(|r| r.id == requirement);
    let status = r.map_or(Status::Unknown, |r| r.status);
    let letter = match status {
        Status::NotApplicable => 'a',
        other => other.as_str().chars().next().unwrap_or('u'),
    };
    let inherited = r.is_some_and(|r| r.source == "organisation");
    let href = match prod.releases.last() {
        Some(rel) => match &rel.page {
            Some(page) => format!("{page}#{}", super::html::requirement_anchor(requirement)),
            None => rel.report.clone(),
        },
        None => String::new(),
    };
    Cell {
        class: format!("c{letter}{}", if inherited { " i" } else { "" }),
        mark: if r.is_none() { "" } else { mark(status) },
        href,
    }
}

/// `portfolio.csv`: one row per product and requirement at the product's newest release, in
/// the crosswalk's CSV dialect (LF, RFC 4180 quoting, formula cells neutralised).
pub fn render_csv(p: &Portfolio) -> String {
    const HEADER: [&str; 14] = [
        "product_id",
        "product",
        "remote",
        "version",
        "commit",
        "requirement",
        "practice",
        "title",
        "status",
        "own_status",
        "source",
        "organisation_level",
        "practice_maturity",
        "report",
    ];
    let mut out = String::new();
    super::crosswalk::push_row(&mut out, HEADER.iter().map(|h| h.to_string()));
    for prod in &p.products {
        let Some(newest) = prod.releases.last() else {
            continue;
        };
        for r in &prod.requirements {
            let req = p.requirements.iter().find(|x| x.id == r.id);
            let practice = req.map(|x| x.practice.clone()).unwrap_or_default();
            super::crosswalk::push_row(
                &mut out,
                [
                    prod.id.clone(),
                    prod.name.clone(),
                    prod.remote.clone().unwrap_or_default(),
                    newest.version.clone(),
                    newest.commit.clone().unwrap_or_default(),
                    r.id.clone(),
                    practice.clone(),
                    req.map(|x| x.title.clone()).unwrap_or_default(),
                    r.status.as_str().to_string(),
                    r.own.as_str().to_string(),
                    r.source.clone(),
                    req.is_some_and(|x| x.organisation_level).to_string(),
                    newest
                        .maturity
                        .get(&practice)
                        .copied()
                        .flatten()
                        .map(|l| l.to_string())
                        .unwrap_or_default(),
                    newest.report.clone(),
                ],
            );
        }
    }
    crate::sanitize::document(&out)
}
