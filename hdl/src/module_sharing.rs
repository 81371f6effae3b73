//! Sharing identical modules in rust-hdl's Verilog before a simulator or checker reads it.
//!
//! rust-hdl emits one module per *instance*: the 16 S-boxes of a full round become 16
//! modules with identical bodies, and the unrolled Poseidon2-16 permutation becomes about
//! 17,000 modules and 11 MB of text. Verilator, iverilog and yosys all pay for that text.
//! A module is fully defined by its body and the modules it instantiates, so two modules whose
//! bodies are equal once their children are named by *their* representatives are the same
//! module: [`share_identical_modules`] keeps the first of each such class and points every
//! instance at it (the merkle tree: 17,242 modules become 67, 12.4 MB become 1.3 MB, and
//! Verilator builds it in less than half the time).
//!
//! Only the simulation and elaboration paths use it. The committed reports and board builds
//! keep rust-hdl's own text, whose digest names what was synthesised.

use std::collections::HashMap;

/// `verilog` with every class of identical modules reduced to its first member. Text this
/// does not understand (a module without `endmodule`, a name defined twice, a module that
/// instantiates itself) is returned unchanged: sharing only ever saves time, it never decides
/// what is simulated.
pub fn share_identical_modules(verilog: &str) -> String {
    parse(verilog).and_then(|parsed| parsed.shared()).unwrap_or_else(|| verilog.to_owned())
}

/// One module definition: its name and its lines, `module name(...)` to `endmodule`.
struct Module<'a> {
    name: &'a str,
    lines: Vec<&'a str>,
    /// `(line index, child module)` of every instance line (`    child inst(`).
    instances: Vec<(usize, &'a str)>,
}

/// What the text is made of, in order: module definitions and the text between them.
enum Part<'a> {
    Module(usize),
    Text(&'a str),
}

/// The text cut into its parts, with each module's index by name.
struct Parsed<'a> {
    parts: Vec<Part<'a>>,
    modules: Vec<Module<'a>>,
    index: HashMap<&'a str, usize>,
}

/// The module's name in a `module name(...);` header line.
fn header_name(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("module ")?;
    let end = rest.find(|c: char| c == '(' || c == ';' || c.is_whitespace()).unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn parse(verilog: &str) -> Option<Parsed<'_>> {
    let mut parts = Vec::new();
    let mut modules: Vec<Module> = Vec::new();
    let mut current: Option<Module> = None;
    for line in verilog.split_inclusive('\n') {
        if let Some(m) = current.as_mut() {
            m.lines.push(line);
            if line.starts_with("endmodule") {
                parts.push(Part::Module(modules.len()));
                modules.push(current.take()?);
            }
        } else if let Some(name) = header_name(line) {
            current = Some(Module { name, lines: vec![line], instances: Vec::new() });
        } else {
            parts.push(Part::Text(line));
        }
    }
    if current.is_some() {
        return None;
    }
    let index: HashMap<&str, usize> = modules.iter().enumerate().map(|(k, m)| (m.name, k)).collect();
    if index.len() != modules.len() {
        return None;
    }
    for m in &mut modules {
        for (k, line) in m.lines.iter().enumerate().skip(1) {
            let trimmed = line.trim();
            if let Some((child, inst)) = trimmed.split_once(' ')
                && index.contains_key(child)
                && inst.ends_with('(')
                && !inst[..inst.len() - 1].contains(char::is_whitespace)
            {
                m.instances.push((k, child));
            }
        }
    }
    Some(Parsed { parts, modules, index })
}

/// The module's text with its children renamed to their representatives (`rename`).
fn rewritten(m: &Module, rename: &HashMap<&str, &str>) -> String {
    let mut text = String::with_capacity(m.lines.iter().map(|l| l.len()).sum());
    let mut next = m.instances.iter().peekable();
    for (k, line) in m.lines.iter().enumerate() {
        match next.peek() {
            Some(&&(at, child)) if at == k => {
                next.next();
                let indent = &line[..line.len() - line.trim_start().len()];
                text.push_str(indent);
                text.push_str(rename[child]);
                text.push_str(&line.trim_start()[child.len()..]);
            }
            _ => text.push_str(line),
        }
    }
    text
}

impl<'a> Parsed<'a> {
    /// The modules, children before parents (a module's key needs its children's
    /// representatives); `None` when a module instantiates itself.
    fn children_first(&self) -> Option<Vec<usize>> {
        let mut order = Vec::with_capacity(self.modules.len());
        let mut state = vec![0u8; self.modules.len()]; // 0 new, 1 on the stack, 2 done
        for root in 0..self.modules.len() {
            let mut stack = vec![(root, 0usize)];
            while let Some((k, child)) = stack.pop() {
                if child == 0 && state[k] != 0 {
                    continue;
                }
                state[k] = 1;
                if let Some(&(_, name)) = self.modules[k].instances.get(child) {
                    stack.push((k, child + 1));
                    let c = self.index[name];
                    match state[c] {
                        0 => stack.push((c, 0)),
                        1 => return None,
                        _ => {}
                    }
                } else {
                    state[k] = 2;
                    order.push(k);
                }
            }
        }
        Some(order)
    }

    /// The text with each class of identical modules reduced to its first member.
    fn shared(&self) -> Option<String> {
        let instantiated: std::collections::HashSet<&str> =
            self.modules.iter().flat_map(|m| m.instances.iter().map(|&(_, c)| c)).collect();
        let mut rename: HashMap<&str, &'a str> = HashMap::new();
        // The text of each module kept; `None` for one merged into an earlier one.
        let mut kept: Vec<Option<String>> = vec![None; self.modules.len()];
        let mut class: HashMap<String, &'a str> = HashMap::new();
        for k in self.children_first()? {
            let m = &self.modules[k];
            let text = rewritten(m, &rename);
            // A module nobody instantiates (the top) keeps its name and is never merged away.
            let representative = if instantiated.contains(m.name) {
                // Its own name, in the header and in an `endmodule // name` comment, is not
                // part of what the module is.
                let mut key = text.replacen(m.name, "\u{0}", 1);
                if let Some(at) = key.rfind("endmodule") {
                    let tail = key.split_off(at);
                    key.push_str(&tail.replace(m.name, "\u{0}"));
                }
                *class.entry(key).or_insert(m.name)
            } else {
                m.name
            };
            rename.insert(m.name, representative);
            if representative == m.name {
                kept[k] = Some(text);
            }
        }
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Module(k) => out.extend(kept[*k].as_deref()),
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(name: &str, constant: u32) -> String {
        format!(
            "module {name}(a,y);\n    input wire [7:0] a;\n    output wire [7:0] y;\n    assign y = a + 8'd{constant};\nendmodule\n"
        )
    }

    fn pair(name: &str, left: &str, right: &str) -> String {
        format!(
            "module {name}(a,y);\n    input wire [7:0] a;\n    output wire [7:0] y;\n    wire [7:0] m;\n    \
             {left} l(\n        .a(a),\n        .y(m)\n    );\n    {right} r(\n        .a(m),\n        .y(y)\n    );\nendmodule\n"
        )
    }

    #[test]
    fn identical_modules_are_shared_and_different_ones_kept() {
        let text = [
            "// header\n".to_owned(),
            pair("top", "top$p", "top$q"),
            pair("top$p", "top$p$l", "top$p$r"),
            pair("top$q", "top$q$l", "top$q$r"),
            leaf("top$p$l", 1),
            leaf("top$p$r", 2),
            leaf("top$q$l", 1),
            leaf("top$q$r", 2),
        ]
        .concat();
        // `verilog_of` closes each module with `endmodule // name`: the name is not the body.
        let commented: String = text
            .split_inclusive('\n')
            .scan("", |name, line| {
                if let Some(n) = header_name(line) {
                    *name = n;
                }
                Some(if line == "endmodule\n" { format!("endmodule // {name}\n") } else { line.to_owned() })
            })
            .collect();
        let names: Vec<_> =
            share_identical_modules(&commented).lines().filter_map(header_name).map(str::to_owned).collect();
        assert_eq!(names, ["top", "top$p", "top$p$l", "top$p$r"]);
        let shared = share_identical_modules(&text);
        let names: Vec<_> = shared.lines().filter_map(header_name).collect();
        assert_eq!(names, ["top", "top$p", "top$p$l", "top$p$r"]);
        assert!(shared.starts_with("// header\n"));
        assert!(shared.contains("    top$p r(\n"), "the second child now instantiates the first's module");
        // Negative control: one constant apart, nothing is shared above the leaves.
        let differing = text.replace(
            "module top$q$r(a,y);\n    input wire [7:0] a;\n    output wire [7:0] y;\n    assign y = a + 8'd2;",
            "module top$q$r(a,y);\n    input wire [7:0] a;\n    output wire [7:0] y;\n    assign y = a + 8'd3;",
        );
        assert_ne!(differing, text);
        let names: Vec<_> =
            share_identical_modules(&differing).lines().filter_map(header_name).map(str::to_owned).collect();
        assert_eq!(names, ["top", "top$p", "top$q", "top$p$l", "top$p$r", "top$q$r"]);
    }

    #[test]
    fn text_it_does_not_understand_is_returned_unchanged() {
        let open = format!("{}module top$x(a);\n    input wire a;\n", leaf("top", 0));
        assert_eq!(share_identical_modules(&open), open);
        let twice = [leaf("top$a", 1), leaf("top$a", 1)].concat();
        assert_eq!(share_identical_modules(&twice), twice);
    }
}
