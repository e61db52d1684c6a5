//! The pre-order walk over a tree's visible nodes that `engine::walk` drives: a thin safe
//! wrapper over `subtree_walk.c` (see there for why it is not a `TreeCursor`).

use std::marker::PhantomData;
use std::ptr::NonNull;

use tree_sitter::ffi::TSNode;
use tree_sitter::Node;

#[repr(C)]
struct LxWalk {
    _private: [u8; 0],
}

extern "C" {
    fn lx_walk_new() -> *mut LxWalk;
    fn lx_walk_free(w: *mut LxWalk);
    fn lx_walk_reset(w: *mut LxWalk, root: TSNode, named_only: bool);
    fn lx_walk_next(w: *mut LxWalk, enter: bool, out: *mut TSNode, depth: *mut u32) -> bool;
}

/// Yields the visible nodes below a root in the order a `TreeCursor` visits them, each
/// with its depth (the root's children are at 1). The caller says, for each node it was
/// given (the root first), whether to go through that node's children.
pub(crate) struct Preorder<'tree> {
    raw: NonNull<LxWalk>,
    _tree: PhantomData<Node<'tree>>,
}

impl<'tree> Preorder<'tree> {
    /// A walk below `root`; `root` itself is not yielded (it is at depth 0). With
    /// `named_only`, anonymous nodes (keywords, punctuation) are neither yielded nor gone
    /// into.
    pub(crate) fn new(root: Node<'tree>, named_only: bool) -> Self {
        // SAFETY: lx_walk_new returns a zeroed allocation or null (checked).
        let raw = NonNull::new(unsafe { lx_walk_new() }).expect("out of memory");
        // SAFETY: `root` is a valid node of a tree that outlives `'tree`.
        unsafe { lx_walk_reset(raw.as_ptr(), root.into_raw(), named_only) };
        Preorder {
            raw,
            _tree: PhantomData,
        }
    }

    /// The next node and its depth; `enter` goes through the children of the node given
    /// last (or of the root, on the first call).
    pub(crate) fn next(&mut self, enter: bool) -> Option<(Node<'tree>, usize)> {
        let mut out = std::mem::MaybeUninit::<TSNode>::uninit();
        let mut depth = 0u32;
        // SAFETY: the walk only reads the tree `'tree` keeps alive; `out` is written
        // whenever true is returned.
        let found = unsafe { lx_walk_next(self.raw.as_ptr(), enter, out.as_mut_ptr(), &mut depth) };
        // SAFETY: written (a node of the tree, non-null) because `found`.
        found.then(|| (unsafe { Node::from_raw(out.assume_init()) }, depth as usize))
    }
}

impl Drop for Preorder<'_> {
    fn drop(&mut self) {
        // SAFETY: allocated by lx_walk_new, freed once.
        unsafe { lx_walk_free(self.raw.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lang::{parse, Language};

    /// What the tests compare of a node reached at some depth.
    type Row = (usize, u16, usize, std::ops::Range<usize>, bool);

    fn row(node: Node, depth: usize) -> Row {
        (
            node.id(),
            node.kind_id(),
            depth,
            node.byte_range(),
            node.is_named(),
        )
    }

    /// (id, kind id, depth, byte range, named) of every node a `TreeCursor` visits below
    /// the root, in order; `skip(node)` says not to go through a node's children.
    fn by_cursor(root: Node, skip: &dyn Fn(Node) -> bool) -> Vec<Row> {
        let mut out = Vec::new();
        let mut cursor = root.walk();
        let mut depth = 0;
        loop {
            let node = cursor.node();
            let enter = depth == 0 || !skip(node);
            if depth > 0 {
                out.push(row(node, depth));
            }
            if enter && cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if depth > 0 && cursor.goto_next_sibling() {
                    break;
                }
                if depth == 0 || !cursor.goto_parent() {
                    return out;
                }
                depth -= 1;
            }
        }
    }

    fn by_preorder(root: Node, named_only: bool, skip: &dyn Fn(Node) -> bool) -> Vec<Row> {
        let mut out = Vec::new();
        let mut walk = Preorder::new(root, named_only);
        let mut enter = true;
        while let Some((node, depth)) = walk.next(enter) {
            out.push(row(node, depth));
            enter = !skip(node);
        }
        out
    }

    /// Sources with aliases (renamed nodes in the TypeScript and Rust grammars), extras
    /// (comments between any two tokens), hidden rules, and syntax errors (ERROR and
    /// MISSING nodes).
    const SOURCES: &[(Language, &str)] = &[
        (
            Language::Python,
            "import os\n@dec\nclass A(B):\n    \"\"\"Doc.\"\"\"\n    def f(self, x: int = 1) -> str:\n        # c\n        return f\"{x}\" if x and not self else [y for y in x]\n",
        ),
        (Language::Python, "def broken(:\n    return (1 +\nclass\n"),
        // Hidden rules renamed to visible ones: a one-line body is a `block`, patterns.
        (Language::Python, "if x: y = 1; z()\nmatch p:\n    case [a, (b, c) as d]: pass\n"),
        (
            Language::TypeScript,
            "// c\nexport class A<T> extends B implements C { private x: T; m(a: string): void { /* c */ this.x = a as any; } }\ntype U = { [k: string]: number } | (() => void);\nlet f = async (x) => x?.y ?? 1;\n",
        ),
        (Language::Tsx, "const a = <div className=\"x\">{b}<br/></div>;\nfunction C() { return <C.D {...p} /> }\n"),
        (Language::JavaScript, "export default function () { for (const x of y) if (x) { break } else z(x, ...w) }\nclass K { #p = 1; static { this.#p } }\n"),
        (
            Language::Go,
            "package p\n// Doc\ntype S struct { T; x int `json:\"x\"` }\nfunc (s *S) M(a, b int) (int, error) {\n\tswitch a { case 1: return 0, nil }\n\tgo func() { s.x++ }()\n\treturn a + b, nil\n}\n",
        ),
        (Language::Go, "package p\nfunc f( {\n\tif x {\n"),
        (
            Language::Rust,
            "//! Crate doc\n/// Doc\n#[derive(Debug)]\npub struct S<'a, T: Clone> { x: &'a T }\nimpl<T: Clone> Tr for S<'_, T> { fn m(&self) -> Option<T> { let v = vec![1, 2]; match v.len() { 0 => None, _ => Some(self.x.clone()) } } }\nmacro_rules! m { ($x:expr) => { $x }; }\n",
        ),
        (Language::Rust, "fn f( { let x = ; }\nstruct\n"),
        // Comments inside productions with aliased children (`S` is an identifier
        // renamed type_identifier); `get` and `of` are reserved words renamed identifier.
        (Language::Rust, "struct /* c */ S /* d */ { x: u8 }\nimpl /* c */ S { fn /* d */ m() {} }\n"),
        (Language::JavaScript, "let get = 1, set = async; of(get, set);\nclass G { get /* c */ get() {} }\n"),
        (Language::TypeScript, "interface /* c */ I { readonly /* d */ x: number }\nlet declare = 1; type /* e */ T = I;\n"),
    ];

    #[test]
    fn visits_what_a_cursor_visits() {
        for &(language, src) in SOURCES {
            let tree = parse(language, src.as_bytes()).expect("parses");
            let root = tree.root_node();
            let all = by_cursor(root, &|_| false);
            assert!(all.len() > 10, "{language:?}: {} nodes", all.len());
            assert_eq!(
                by_preorder(root, false, &|_| false),
                all,
                "{language:?} {src:?}"
            );
            // Not going through some nodes' children: named nodes of even kind ids, a
            // stable but arbitrary choice.
            let skip = |n: Node| n.is_named() && n.kind_id() % 2 == 0;
            let some = by_cursor(root, &skip);
            assert!(
                some.len() < all.len(),
                "{language:?}: something was skipped"
            );
            assert_eq!(
                by_preorder(root, false, &skip),
                some,
                "{language:?} {src:?}"
            );
            // Named nodes only: what the cursor visits when it goes into no anonymous
            // node, less the anonymous nodes.
            let named = |skip: &dyn Fn(Node) -> bool| {
                let mut v = by_cursor(root, &|n| !n.is_named() || skip(n));
                v.retain(|r| r.4);
                v
            };
            let expected = named(&|_| false);
            assert!(expected.len() < all.len(), "{language:?}: anonymous nodes");
            assert_eq!(
                by_preorder(root, true, &|_| false),
                expected,
                "{language:?}"
            );
            assert_eq!(by_preorder(root, true, &skip), named(&skip), "{language:?}");
        }
    }

    #[test]
    fn a_root_without_children_yields_nothing() {
        let tree = parse(Language::Python, b"").expect("parses");
        let mut walk = Preorder::new(tree.root_node(), false);
        assert!(walk.next(true).is_none());
        let tree = parse(Language::Go, b"package p\n").expect("parses");
        let mut walk = Preorder::new(tree.root_node(), false);
        assert!(walk.next(false).is_none(), "the root was not entered");
    }
}
