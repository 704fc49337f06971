//! The Text component's rich text: paragraphs of runs (bold, italic, link), to HTML
//! for the contenteditable and back from its DOM.

use tessera_model::page::{escape_html, is_safe_link, Paragraph, Run, TextBody};
use wasm_bindgen::JsCast;
use web_sys::{Element, Node};

/// HTML for the contenteditable: one `<p>` per paragraph.
pub fn to_html(text: &TextBody) -> String {
    let mut out = String::new();
    for p in &text.paragraphs {
        out.push_str("<p>");
        if p.runs.iter().all(|r| r.text.is_empty()) {
            out.push_str("<br>");
        }
        for r in &p.runs {
            let mut html = escape_html(&r.text).replace('\n', "<br>");
            if r.italic {
                html = format!("<i>{html}</i>");
            }
            if r.bold {
                html = format!("<b>{html}</b>");
            }
            if let Some(link) = &r.link {
                html = format!("<a href=\"{}\">{html}</a>", escape_html(link));
            }
            out.push_str(&html);
        }
        out.push_str("</p>");
    }
    out
}

#[derive(Clone, Default)]
struct Marks {
    bold: bool,
    italic: bool,
    link: Option<String>,
}

/// Reads the contenteditable's DOM back into paragraphs. Unknown elements keep
/// their text; links that a page may not have (`javascript:`) are dropped.
pub fn from_dom(root: &Element) -> TextBody {
    let mut paragraphs = Vec::new();
    let mut current = Paragraph::default();
    let children = root.child_nodes();
    for i in 0..children.length() {
        let Some(node) = children.item(i) else {
            continue;
        };
        if is_block(&node) {
            if !current.runs.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            let mut p = Paragraph::default();
            collect(&node, &Marks::default(), &mut p.runs);
            paragraphs.push(p);
        } else {
            collect(&node, &Marks::default(), &mut current.runs);
        }
    }
    if !current.runs.is_empty() || paragraphs.is_empty() {
        paragraphs.push(current);
    }
    for p in &mut paragraphs {
        merge_runs(&mut p.runs);
    }
    TextBody { paragraphs }
}

fn is_block(node: &Node) -> bool {
    node.dyn_ref::<Element>().is_some_and(|e| matches!(e.tag_name().as_str(), "P" | "DIV" | "H1" | "H2" | "H3" | "LI"))
}

fn collect(node: &Node, marks: &Marks, runs: &mut Vec<Run>) {
    match node.node_type() {
        Node::TEXT_NODE => {
            let text = node.text_content().unwrap_or_default().replace('\u{a0}', " ");
            if !text.is_empty() {
                runs.push(Run { text, bold: marks.bold, italic: marks.italic, link: marks.link.clone() });
            }
        }
        Node::ELEMENT_NODE => {
            let Some(element) = node.dyn_ref::<Element>() else {
                return;
            };
            let mut inner = marks.clone();
            match element.tag_name().as_str() {
                "BR" => {
                    // A lone <br> keeps an empty paragraph open; it is no text.
                    if element.next_sibling().is_some() {
                        runs.push(Run { text: "\n".into(), bold: marks.bold, italic: marks.italic, link: marks.link.clone() });
                    }
                    return;
                }
                "B" | "STRONG" => inner.bold = true,
                "I" | "EM" => inner.italic = true,
                "A" => inner.link = element.get_attribute("href").filter(|h| is_safe_link(h)),
                _ => {}
            }
            let children = node.child_nodes();
            for i in 0..children.length() {
                if let Some(child) = children.item(i) {
                    collect(&child, &inner, runs);
                }
            }
        }
        _ => {}
    }
}

/// Joins neighbouring runs with the same marks.
fn merge_runs(runs: &mut Vec<Run>) {
    let mut merged: Vec<Run> = Vec::with_capacity(runs.len());
    for r in runs.drain(..) {
        match merged.last_mut() {
            Some(last) if last.bold == r.bold && last.italic == r.italic && last.link == r.link => last.text.push_str(&r.text),
            _ => merged.push(r),
        }
    }
    *runs = merged;
}
