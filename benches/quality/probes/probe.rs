fn base() -> i32 {
    1
}

fn f_if(a: bool) -> i32 {
    if a {
        return 1;
    }
    2
}

fn f_if_else(a: bool) -> i32 {
    if a { 1 } else { 2 }
}

fn f_else_if(a: i32) -> i32 {
    if a == 1 { 1 } else if a == 2 { 2 } else if a == 3 { 3 } else { 4 }
}

fn f_match(a: i32) -> i32 {
    match a {
        1 => 1,
        2 | 3 => 2,
        _ => 3,
    }
}

fn f_match_guard(a: Option<i32>) -> i32 {
    match a {
        Some(x) if x > 0 => 1,
        Some(_) => 2,
        None => 3,
    }
}

fn f_try(a: Result<i32, ()>) -> Result<i32, ()> {
    let x = a?;
    let y = a?;
    Ok(x + y)
}

fn f_and(a: bool, b: bool) -> bool {
    a && b
}

fn f_or(a: bool, b: bool) -> bool {
    a || b
}

fn f_and_or(a: bool, b: bool, c: bool) -> bool {
    a && b || c
}

fn f_not(a: bool) -> bool {
    !a
}

fn f_loop() {
    loop {
        break;
    }
}

fn f_while(mut a: i32) {
    while a > 0 {
        a -= 1;
    }
}

fn f_for(xs: &[i32]) {
    for _x in xs {}
}

fn f_while_let(mut a: Option<i32>) {
    while let Some(_) = a {
        a = None;
    }
}

fn f_if_let(a: Option<i32>) -> i32 {
    if let Some(x) = a { x } else { 0 }
}

fn f_let_else(a: Option<i32>) -> i32 {
    let Some(x) = a else { return 0 };
    x
}

fn f_closure(xs: &[i32]) -> Vec<i32> {
    xs.iter().map(|x| if *x > 0 { 1 } else { 2 }).collect()
}

fn f_closure_block(a: bool) -> impl Fn() -> i32 {
    move || {
        if a {
            return 1;
        }
        2
    }
}

fn f_nested(a: bool) -> i32 {
    fn inner(b: bool) -> i32 {
        if b { 1 } else if !b { 2 } else { 3 }
    }
    if a { inner(a) } else { 0 }
}

struct S;

impl S {
    pub fn method(&self, a: bool) -> i32 {
        if a { 1 } else { 0 }
    }

    #[inline]
    #[allow(dead_code)]
    fn attributed(&self) -> i32 {
        0
    }
}

trait T {
    fn default_m(&self, a: bool) -> i32 {
        if a { 1 } else { 0 }
    }
    fn required(&self);
}

fn f_macro(a: i32) {
    println!("{}", if a > 0 { 1 } else { 2 });
    assert!(a > 0 && a < 10);
}

fn f_labeled() {
    'outer: for i in 0..10 {
        for j in 0..10 {
            if i == j {
                continue 'outer;
            }
        }
    }
}

async fn f_async(a: bool) -> i32 {
    if a { 1 } else { 0 }
}

fn f_unsafe() {
    unsafe {}
}

fn f_match_nested(a: Option<Option<i32>>) -> i32 {
    match a {
        Some(Some(x)) => match x {
            0 => 0,
            _ => 1,
        },
        Some(None) => 2,
        None => 3,
    }
}

fn f_let_chain(a: Option<i32>, b: bool) -> i32 {
    if let Some(x) = a && b { x } else { 0 }
}
fn m1(a: i32) -> i32 {
    match a {
        _ => 1,
    }
}

fn m2(a: i32) -> i32 {
    match a {
        1 => 1,
        _ => 2,
    }
}

fn mac_if(a: i32) {
    println!("{}", if a > 0 { 1 } else { 2 });
}

fn mac_and(a: i32) {
    assert!(a > 0 && a < 10);
}

fn mac_q() -> Result<(), ()> {
    foo!(a?);
    Ok(())
}

/// doc
#[test]
fn documented() {}

fn ret_early(a: bool) -> i32 {
    if a { return 1; }
    return 2;
}

const fn cf(a: bool) -> bool { a && a }

fn bitand(a: i32, b: i32) -> i32 { a & b | b }

fn q_in_closure() -> Option<i32> {
    let f = || -> Option<i32> { Some(1?) };
    f()
}

mod inner {
    pub fn in_mod(a: bool) -> bool { if a { true } else { false } }
}

fn empty_match(a: u8) {
    match a {}
}

fn or_pattern(a: Option<i32>) -> bool {
    matches!(a, Some(1) | Some(2))
}

fn if_let_else_if(a: Option<i32>) -> i32 {
    if let Some(x) = a { x } else if a.is_none() { 0 } else { 1 }
}
fn sized<T: ?Sized>(t: &T) -> usize { 0 }

fn dref(x: &&str) -> usize { x.len() }

fn dref_expr(x: &str) -> &&str { &&x }

fn pat(xs: &[&i32]) -> usize { xs.iter().filter(|&&x| x > 0).count() }

fn noarg() -> i32 { let f = || 1; f() }

fn where_sized<T>(t: &T) where T: ?Sized { }
fn hrtb<F>(f: F) -> i32 where F: for<'a> Fn(&'a i32) -> i32 {
    f(&1)
}
fn mac_while(a: i32) {
    foo!(while a > 0 {});
    bar!(a || a);
    baz!(match a { 1 => 1, _ => 2 });
}
