// A pre-order walk over the visible nodes of a tree-sitter tree, for `engine::walk`.
//
// It yields the nodes `TSTreeCursor` would visit, in the same order, but keeps one
// frame per parent whose children it is going through (the cursor pops and re-pushes
// its stack entry, and looks the parent's alias sequence up again, on every sibling
// step), and it does not count descendants (the cursor keeps a descendant index for
// `goto_descendant`). On an index run the cursor's moves were 8% of all instructions.
//
// It is compiled against the private headers of the tree-sitter crate being built
// (build.rs finds them next to the `include` directory that crate exports), so a
// tree-sitter release that renames or retypes what is read here fails to compile this
// file instead of misreading memory; `preorder.rs` tests that it visits exactly what the
// cursor visits, which catches a change of meaning.

#include <stdlib.h>

#include "tree_sitter/api.h"
#include "./language.h"
#include "./length.h"
#include "./subtree.h"
#include "./tree.h"

typedef struct {
  // The parent whose children are being gone through (visible or hidden).
  const Subtree *parent;
  const TSSymbol *alias_sequence;
  // Where the child at `child_index` starts (after its padding).
  Length position;
  uint32_t child_index;
  uint32_t structural_child_index;
  // Whether `parent` is a visible node (a level of depth) or a hidden one.
  bool visible;
} LxFrame;

typedef struct {
  const TSTree *tree;
  // The node last yielded.
  const Subtree *current;
  Length current_position;
  uint32_t depth;
  // Yield named nodes only (anonymous ones, keywords and punctuation, are stepped over
  // and never gone into).
  bool named_only;
  LxFrame *frames;
  uint32_t size;
  uint32_t capacity;
} LxWalk;

static void lx_push(LxWalk *w, const Subtree *parent, Length position, bool visible) {
  if (w->size == w->capacity) {
    uint32_t capacity = w->capacity ? w->capacity * 2 : 32;
    LxFrame *frames = realloc(w->frames, capacity * sizeof(LxFrame));
    if (!frames) abort();
    w->frames = frames;
    w->capacity = capacity;
  }
  w->frames[w->size++] = (LxFrame){
    .parent = parent,
    .alias_sequence =
      ts_language_alias_sequence(w->tree->language, parent->ptr->production_id),
    .position = position,
    .child_index = 0,
    .structural_child_index = 0,
    .visible = visible,
  };
  if (visible) w->depth++;
}

LxWalk *lx_walk_new(void) { return calloc(1, sizeof(LxWalk)); }

void lx_walk_free(LxWalk *w) {
  if (!w) return;
  free(w->frames);
  free(w);
}

// Start at `root` (which the caller has already seen: depth 0).
void lx_walk_reset(LxWalk *w, TSNode root, bool named_only) {
  w->tree = root.tree;
  w->named_only = named_only;
  w->current = (const Subtree *)root.id;
  w->current_position = (Length){
    .bytes = ts_node_start_byte(root),
    .extent = ts_node_start_point(root),
  };
  w->depth = 0;
  w->size = 0;
}

// The next visible node in pre-order, into `out`, and its depth (the root's children
// are at 1); `enter` says whether to go through the children of the node yielded last.
// Returns false when the walk is over.
bool lx_walk_next(LxWalk *w, bool enter, TSNode *out, uint32_t *depth) {
  if (enter && ts_subtree_child_count(*w->current) > 0) {
    lx_push(w, w->current, w->current_position, true);
  }
  while (w->size > 0) {
    LxFrame *f = &w->frames[w->size - 1];
    uint32_t count = f->parent->ptr->child_count;
    if (f->child_index == count) {
      if (f->visible) w->depth--;
      w->size--;
      continue;
    }
    const Subtree *children = ts_subtree_children(*f->parent);
    const Subtree *child = &children[f->child_index];
    Length position = f->position;
    bool visible = ts_subtree_visible(*child);
    TSSymbol alias = 0;
    if (!ts_subtree_extra(*child)) {
      if (f->alias_sequence) {
        alias = f->alias_sequence[f->structural_child_index];
        visible |= alias != 0;
      }
      f->structural_child_index++;
    }
    f->position = length_add(f->position, ts_subtree_size(*child));
    f->child_index++;
    if (f->child_index < count) {
      f->position = length_add(f->position, ts_subtree_padding(children[f->child_index]));
    }
    if (visible && w->named_only &&
        !(alias ? ts_language_symbol_metadata(w->tree->language, alias).named
                : ts_subtree_named(*child))) {
      continue;
    }
    if (visible) {
      w->current = child;
      w->current_position = position;
      *out = ts_node_new(w->tree, child, position, alias);
      *depth = w->depth;
      return true;
    }
    if (ts_subtree_visible_child_count(*child) > 0) {
      lx_push(w, child, position, false);
    }
  }
  return false;
}
