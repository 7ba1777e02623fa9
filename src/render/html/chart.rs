//! The page's two charts, inline SVG built from numbers: requirements per status for each
//! practice, and review and signing shares per release (with the release shares themselves,
//! which the releases table shows too). Their only text (ids, names, tags, dates) is escaped
//! with [`escape_xml`]; they are the only values the template marks `safe`.

use std::fmt::Write;

use serde::Serialize;

use super::{PracticeSection, STATUSES};
use crate::eval::Status;
use crate::facts::git::Release;

/// One release's review and signing shares, from the git facts' release records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct ReleaseShare {
    pub(super) tag: String,
    /// The tag's date; empty when not recorded.
    pub(super) date: String,
    /// The commit the tag points to.
    pub(super) commit: String,
    /// Share of reviewed landings, 0..=1; `None` when nothing landed.
    pub(super) reviewed: Option<f64>,
    /// Share of signed commits, 0..=1; `None` when the window is empty.
    pub(super) signed: Option<f64>,
}

/// The releases that measured something, over time. A share over an empty window (nothing
/// landed, no commit) is "not measured", not 0%, and so is one outside 0..=1; a release with
/// neither share measured is left out.
pub(super) fn release_shares(releases: &[Release]) -> Vec<ReleaseShare> {
    let share = |value: f64, window: u64| {
        (window > 0 && value.is_finite() && (0.0..=1.0).contains(&value)).then_some(value)
    };
    let mut out: Vec<ReleaseShare> = releases
        .iter()
        .filter_map(|r| {
            let reviewed = share(r.share_reviewed, r.landings);
            let signed = share(r.share_signed, r.commits);
            (reviewed.is_some() || signed.is_some()).then(|| ReleaseShare {
                tag: r.tag.clone(),
                date: r.date.clone().unwrap_or_default(),
                commit: r.commit.clone(),
                reviewed,
                signed,
            })
        })
        .collect();
    // Over time: by date when every record has one (ISO dates sort as strings); otherwise the
    // collector's order (oldest version first) stands. The sort is stable either way.
    if out.iter().all(|r| !r.date.is_empty()) {
        out.sort_by(|a, b| a.date.cmp(&b.date));
    }
    out
}

/// Text for SVG (and any XML): `& < > " '` as entities, control characters dropped.
pub(crate) fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// `0.8333` as `83%`.
pub(super) fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn status_color(s: Status) -> &'static str {
    match s {
        Status::Satisfied => "#2f7d46",
        Status::Partial => "#c99a06",
        Status::NotSatisfied => "#b3261e",
        Status::Unknown => "#7b8190",
        Status::Waived => "#3f6fb5",
        Status::NotApplicable => "#cfd4dc",
    }
}

/// Dark text on the light fills, white on the dark ones.
fn status_text_color(s: Status) -> &'static str {
    match s {
        Status::Partial | Status::NotApplicable => "#1d2430",
        _ => "#ffffff",
    }
}

const FONT: &str = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif\"";

/// Stacked horizontal bars: requirements per status for each practice, on one scale.
pub(super) fn status_chart(practices: &[PracticeSection<'_>]) -> String {
    let label_w = 300.0;
    let bar_w = 620.0;
    let total_w = 40.0;
    let width = label_w + bar_w + total_w;
    let legend_h = 34.0;
    let row_h = 28.0;
    let bar_h = 18.0;
    let axis_h = 22.0;
    let height = legend_h + row_h * practices.len() as f64 + axis_h;
    let max = practices.iter().map(|p| p.total).max().unwrap_or(0).max(1);
    let scale = bar_w / max as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"status-chart-title\" {FONT} font-size=\"12\">\
         <title id=\"status-chart-title\">Requirements per status for each practice</title>"
    );
    // Legend.
    let mut x = 0.0;
    for (st, label) in STATUSES {
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"#5b6270\" stroke-width=\"0.5\"/>\
             <text x=\"{}\" y=\"18\" fill=\"#1d2430\">{}</text>",
            status_color(st),
            x + 16.0,
            escape_xml(label)
        );
        x += 34.0 + 6.6 * label.len() as f64;
    }
    // Grid: a line per requirement up to 15, per five above.
    let step = if max <= 15 { 1 } else { 5 };
    let top = legend_h;
    let bottom = legend_h + row_h * practices.len() as f64;
    let mut tick = 0;
    while tick <= max {
        let gx = label_w + tick as f64 * scale;
        let _ = write!(
            s,
            "<line x1=\"{gx:.1}\" y1=\"{top}\" x2=\"{gx:.1}\" y2=\"{bottom}\" stroke=\"#e3e6eb\" stroke-width=\"1\"/>\
             <text x=\"{gx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#5b6270\" font-size=\"10\">{tick}</text>",
            bottom + 14.0
        );
        tick += step;
    }
    for (i, p) in practices.iter().enumerate() {
        let y = legend_h + row_h * i as f64;
        let by = y + (row_h - bar_h) / 2.0;
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{:.1}\" fill=\"#1d2430\"><tspan font-weight=\"600\">{}</tspan> {}</text>",
            by + 13.0,
            escape_xml(&p.practice.id),
            escape_xml(&truncate(&p.practice.name, 38))
        );
        let mut bx = label_w;
        for c in &p.counts {
            if c.count == 0 {
                continue;
            }
            let st = c.status;
            let w = c.count as f64 * scale;
            let _ = write!(
                s,
                "<rect x=\"{bx:.1}\" y=\"{by:.1}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\">\
                 <title>{}: {} of {} {}</title></rect>",
                status_color(st),
                escape_xml(&p.practice.id),
                c.count,
                p.total,
                escape_xml(c.label)
            );
            if w >= 16.0 {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{}\" font-size=\"11\" font-weight=\"600\">{}</text>",
                    bx + w / 2.0,
                    by + 13.0,
                    status_text_color(st),
                    c.count
                );
            }
            bx += w;
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#5b6270\">{}</text>",
            label_w + bar_w + 8.0,
            by + 13.0,
            p.total
        );
    }
    s.push_str("</svg>");
    s
}

/// Tag labels are rotated by this many degrees, anchored at their end below the axis.
const LABEL_ANGLE: f64 = 35.0;
/// How far below the plot a label's end sits.
const LABEL_DROP: f64 = 14.0;
/// A generous average glyph width at font-size 10 (monospace digits and dots are narrower).
const GLYPH_WIDTH: f64 = 6.5;

/// The left and bottom margins that keep rotated tag labels of `chars` characters inside the
/// chart: the first label reaches left of the plot by its horizontal extent, and every label
/// reaches below it by its vertical extent.
fn label_margins(chars: usize) -> (f64, f64) {
    let length = chars as f64 * GLYPH_WIDTH;
    let (sin, cos) = LABEL_ANGLE.to_radians().sin_cos();
    let left = (length * cos + 8.0).max(72.0);
    let bottom = (LABEL_DROP + length * sin + 10.0).max(40.0);
    (left, bottom)
}

/// Review and signing shares per release, oldest first: two lines on a 0–100% scale. Missing
/// measurements break the line instead of being drawn as 0.
pub(super) fn release_chart(releases: &[ReleaseShare]) -> String {
    let n = releases.len();
    // Tag labels: every one up to 12 releases, then evenly thinned.
    let every = n.div_ceil(12).max(1);
    let shown = |i: usize| i.is_multiple_of(every) || i + 1 == n;
    let labels: Vec<String> = releases.iter().map(|r| truncate(&r.tag, 18)).collect();
    let longest = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| shown(*i))
        .map(|(_, l)| l.chars().count())
        .max()
        .unwrap_or(0);
    let (left, bottom) = label_margins(longest);
    let (right, top, plot_h) = (24.0, 36.0, 194.0);
    let width = 960.0;
    let height = top + plot_h + bottom;
    let plot_w = width - left - right;
    let x_at = |i: usize| {
        if n <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y_at = |share: f64| top + plot_h * (1.0 - share);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"release-chart-title\" {FONT} font-size=\"12\">\
         <title id=\"release-chart-title\">Share of reviewed changes and signed commits per release</title>"
    );
    // Legend: line style and marker shape tell the series apart without colour.
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"14\" x2=\"{}\" y2=\"14\" stroke=\"#1f5f99\" stroke-width=\"2.5\"/>\
         <circle cx=\"{}\" cy=\"14\" r=\"4\" fill=\"#1f5f99\"/>\
         <text x=\"{}\" y=\"18\" fill=\"#1d2430\">reviewed changes</text>\
         <line x1=\"{}\" y1=\"14\" x2=\"{}\" y2=\"14\" stroke=\"#b35c00\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/>\
         <rect x=\"{}\" y=\"10\" width=\"8\" height=\"8\" fill=\"#b35c00\"/>\
         <text x=\"{}\" y=\"18\" fill=\"#1d2430\">signed commits</text>",
        left + 28.0,
        left + 14.0,
        left + 34.0,
        left + 170.0,
        left + 198.0,
        left + 180.0,
        left + 204.0
    );
    for pct in [0, 25, 50, 75, 100] {
        let y = y_at(f64::from(pct) / 100.0);
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{}\" stroke-width=\"1\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#5b6270\" font-size=\"10\">{pct}%</text>",
            left + plot_w,
            if pct == 0 { "#9aa1ad" } else { "#e3e6eb" },
            left - 6.0,
            y + 3.5
        );
    }
    for (i, label) in labels.iter().enumerate() {
        if !shown(i) {
            continue;
        }
        let x = x_at(i);
        let y = top + plot_h + LABEL_DROP;
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\" fill=\"#1d2430\" font-size=\"10\" transform=\"rotate(-{LABEL_ANGLE} {x:.1} {y:.1})\">{}</text>",
            escape_xml(label)
        );
    }
    type Pick = fn(&ReleaseShare) -> Option<f64>;
    let series: [(&str, &str, &str, Pick); 2] = [
        ("reviewed", "#1f5f99", "", |r| r.reviewed),
        ("signed", "#b35c00", " stroke-dasharray=\"6 4\"", |r| {
            r.signed
        }),
    ];
    for (name, color, dash, pick) in series {
        // Consecutive measured points form one polyline.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, r) in releases.iter().enumerate() {
            match pick(r) {
                Some(v) => {
                    if let Some(run) = runs.last_mut() {
                        run.push((x_at(i), y_at(v)));
                    }
                }
                None => runs.push(Vec::new()),
            }
        }
        for run in runs.iter().filter(|r| r.len() >= 2) {
            let points: Vec<String> = run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            let _ = write!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\"{dash}/>",
                points.join(" ")
            );
        }
        for (i, r) in releases.iter().enumerate() {
            let Some(v) = pick(r) else { continue };
            let (x, y) = (x_at(i), y_at(v));
            let title = format!(
                "{} {}: {} {}",
                truncate(&r.tag, 60),
                truncate(&r.date, 30),
                percent(v),
                name
            );
            if name == "reviewed" {
                let _ = write!(
                    s,
                    "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{color}\"><title>{}</title></circle>",
                    escape_xml(&title)
                );
            } else {
                let _ = write!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"{color}\"><title>{}</title></rect>",
                    x - 4.0,
                    y - 4.0,
                    escape_xml(&title)
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first (leftmost) tag label, rotated, stays inside the chart on the left and at the
    /// bottom, for the longest label drawn: it used to reach past both edges and was cut off.
    #[test]
    fn rotated_tag_labels_fit_inside_the_chart() {
        let share = |tag: &str| ReleaseShare {
            tag: tag.into(),
            date: "2026-01-01".into(),
            commit: "c0ffee".into(),
            reviewed: Some(0.5),
            signed: Some(0.5),
        };
        let long = "product-v10.20.300";
        let svg = release_chart(&[share(long), share("v2.0.0")]);
        let number = |attr: &str, from: &str| -> f64 {
            let at = from.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
            from[at..].split('"').next().unwrap().parse().unwrap()
        };
        let height = number("height", &svg);
        let label = &svg[svg
            .find(&format!(">{long}<"))
            .map(|i| svg[..i].rfind("<text").unwrap())
            .unwrap()..];
        let (x, y) = (number("x", label), number("y", label));
        let length = long.len() as f64 * 6.0;
        let (sin, cos) = 35f64.to_radians().sin_cos();
        assert!(x - length * cos >= 0.0, "cut off on the left: x {x}");
        assert!(
            y + length * sin <= height,
            "cut off at the bottom: y {y}, height {height}"
        );
    }

    #[test]
    fn release_shares_measure_only_what_was_measured() {
        let release =
            |tag: &str, date: Option<&str>, (landings, reviewed), (commits, signed)| Release {
                tag: tag.into(),
                commit: format!("{tag}-commit"),
                date: date.map(String::from),
                landings,
                commits,
                share_reviewed: reviewed,
                share_signed: signed,
                ..Release::default()
            };
        let got = release_shares(&[
            release("v0.2.0", Some("2026-03-01"), (2, 0.5), (2, 1.0)),
            release("v0.1.0", Some("2026-01-01"), (4, 0.25), (8, 0.75)),
            // Empty windows: nothing was measured, so nothing is drawn.
            release("v0.3.0", Some("2026-05-01"), (0, 0.0), (0, 0.0)),
            // Out of range or not a number: not a measurement.
            release("v0.5.0", Some("2026-07-01"), (2, 1.5), (2, 0.5)),
            release("v0.6.0", Some("2026-08-01"), (2, f64::NAN), (5, 0.2)),
            release("v0.7.0", Some("2026-09-01"), (3, 1.0), (0, 0.0)),
        ]);
        let summary: Vec<(&str, Option<f64>, Option<f64>)> = got
            .iter()
            .map(|r| (r.tag.as_str(), r.reviewed, r.signed))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("v0.1.0", Some(0.25), Some(0.75)),
                ("v0.2.0", Some(0.5), Some(1.0)),
                ("v0.5.0", None, Some(0.5)),
                ("v0.6.0", None, Some(0.2)),
                ("v0.7.0", Some(1.0), None),
            ]
        );
        assert_eq!(got[1].commit, "v0.2.0-commit");
        assert!(release_shares(&[]).is_empty());
        // Without a date on every record the collector's order (by version) stands.
        let got = release_shares(&[
            release("v1", Some("2026-05-01"), (1, 1.0), (1, 1.0)),
            release("v2", None, (1, 1.0), (1, 1.0)),
        ]);
        let tags: Vec<&str> = got.iter().map(|r| r.tag.as_str()).collect();
        assert_eq!(tags, ["v1", "v2"]);
        assert_eq!(got[1].date, "");
    }

    #[test]
    fn release_chart_escapes_tags_and_breaks_on_gaps() {
        let hostile = "<script>alert(1)</script>";
        let r = |tag: &str, reviewed, signed| ReleaseShare {
            tag: tag.into(),
            date: "2026-01-01".into(),
            commit: "0123456".into(),
            reviewed,
            signed,
        };
        let svg = release_chart(&[
            r(hostile, Some(0.5), Some(1.0)),
            r("v2", None, Some(0.5)),
            r("v3", Some(1.0), Some(0.0)),
        ]);
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
        // Reviewed has a gap at v2, so no reviewed polyline; signed has one of three points.
        assert_eq!(svg.matches("<polyline").count(), 1, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 1 + 2, "legend + 2 points");
        assert_eq!(svg.matches("<rect").count(), 1 + 3, "legend + 3 points");
    }

    #[test]
    fn escape_xml_covers_markup_and_quotes() {
        assert_eq!(
            escape_xml("<a href=\"x\">'&'</a>\u{7}"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("ééééé", 5), "ééééé");
        assert_eq!(truncate("éééééé", 5), "éééé…");
    }
}
