function base() { return 1; }
function fIf(a: boolean) { if (a) { return 1; } return 2; }
function fIfElse(a: boolean) { if (a) { return 1; } else { return 2; } }
function fElseIf(a: number) {
  if (a === 1) { return 1; } else if (a === 2) { return 2; } else { return 3; }
}
function fTernary(a: boolean) { return a ? 1 : 2; }
function fAnd(a: boolean, b: boolean) { return a && b; }
function fOr(a: boolean, b: boolean) { return a || b; }
function fNullish(a?: number) { return a ?? 1; }
function fAndOr(a: boolean, b: boolean, c: boolean) { return a && b || c; }
function fAndAssign(a: any) { a.x &&= 1; a.y ||= 2; a.z ??= 3; }
function fFor() { for (let i = 0; i < 3; i++) {} }
function fForIn(o: any) { for (const k in o) {} }
function fForOf(o: any[]) { for (const k of o) {} }
function fWhile(a: number) { while (a) { a--; } }
function fDoWhile(a: number) { do { a--; } while (a); }
function fTry(a: any) { try { a(); } catch (e) { } finally { } }
function fSwitch(a: number) {
  switch (a) {
    case 1: return 1;
    case 2:
    case 3: return 2;
    default: return 3;
  }
}
function fOptChain(a: any) { return a?.b?.c; }
function fOptCall(a: any) { return a?.(); }
function fDefault(a = 1, b = 2) { return a + b; }
function fDestructDefault({ a = 1 }: any) { return a; }
function fNot(a: boolean) { return !a; }
function fArrow(xs: number[]) { return xs.map((x) => x ? 1 : 2); }
function fIife() { return (function () { if (1) { return 2; } })(); }
const arrowVar = (a: boolean) => a ? 1 : 2;
export const exportedArrow = (a: boolean): number => {
  if (a) { return 1; }
  return 2;
};
class C {
  field = 1;
  field2 = this.field ? 1 : 2;
  arrowField = (a: boolean) => a && a;
  static { if (1) {} }
  constructor(private a: number) { if (a) {} }
  method(a: boolean) { if (a) { return 1; } return 2; }
  get prop() { return this.a || 1; }
  @dec
  decorated(a: boolean) {
    return a ? 1 : 0;
  }
  abstract?(): void;
}
const obj = {
  m(a: boolean) { return a ? 1 : 2; },
  p: function (a: boolean) { return a ? 1 : 2; },
  q: (a: boolean) => a || a,
};
function fLabel() { outer: for (;;) { break outer; } }
function fTypeOnly(a: string | number): a is string { return typeof a === "string"; }
function fGeneric<T extends object>(a: T): T { return a; }
function outerFn(a: boolean) {
  if (a) {}
  function innerFn(b: boolean) { if (b) {} if (b) {} }
  return innerFn;
}
function fDecl(a: number): void;
function fDecl(a: any) { if (a) {} }
function* fGen(a: boolean) { if (a) { yield 1; } }
async function fAsync(a: any) { if (await a) {} }
function fTernNested(a: any) { return a ? (a.b ? 1 : 2) : 3; }
function fNonNull(a: any) { return a!.b; }
