def base():
    return 1

def f_if(a):
    if a:
        return 1
    return 2

def f_if_else(a):
    if a:
        return 1
    else:
        return 2

def f_elif(a):
    if a == 1:
        return 1
    elif a == 2:
        return 2
    elif a == 3:
        return 3
    else:
        return 4

def f_for(xs):
    for x in xs:
        pass

def f_for_else(xs):
    for x in xs:
        pass
    else:
        pass

def f_while(a):
    while a:
        a -= 1

def f_try1(a):
    try:
        a()
    except ValueError:
        pass

def f_try2(a):
    try:
        a()
    except ValueError:
        pass
    except KeyError:
        pass

def f_try_finally(a):
    try:
        a()
    finally:
        pass

def f_try_else(a):
    try:
        a()
    except ValueError:
        pass
    else:
        pass

def f_with(a):
    with a:
        pass

def f_and(a, b):
    return a and b

def f_or(a, b):
    return a or b

def f_and_or(a, b, c):
    return a and b or c

def f_not(a):
    return not a

def f_ternary(a, b, c):
    return a if b else c

def f_comp_for(xs):
    return [x for x in xs]

def f_comp_for_if(xs):
    return [x for x in xs if x]

def f_comp_nested(xs):
    return [y for x in xs for y in x if y if x]

def f_gen(xs):
    return sum(x for x in xs)

def f_lambda(xs):
    return map(lambda x: x + 1, xs)

def f_lambda_if(xs):
    return map(lambda x: 1 if x else 2, xs)

def f_lambda_and(xs):
    return filter(lambda x: x and x > 1, xs)

def f_match(a):
    match a:
        case 1:
            return 1
        case 2:
            return 2
        case _:
            return 3

def f_match_guard(a):
    match a:
        case [x] if x > 0:
            return 1
        case _:
            return 3

def f_assert(a):
    assert a
    return a

def f_return_multi(a):
    return 1
    return 2

def f_async_for(xs):
    async for x in xs:
        pass

def f_walrus(a):
    if (b := a):
        return b

def outer(a):
    if a:
        pass
    def inner(b):
        if b:
            return 1
        if b:
            return 2
        return 3
    if a:
        pass
    return inner

def outer2(a):
    def inner2(b):
        if b:
            return 1
    return inner2

class C:
    def m(self, a):
        if a:
            return 1

    @property
    def prop(self):
        if self:
            return 1

    @staticmethod
    @other(
        x=1)
    def deco(a):
        return a

    class Inner:
        def im(self):
            while True:
                break

def f_bool_in_if(a, b, c):
    if a and b or c:
        pass

def f_continue(xs):
    for x in xs:
        if x:
            continue
        break

def f_raise(a):
    raise ValueError()

def f_yield(a):
    yield a

def f_except_star(a):
    try:
        pass
    except* ValueError:
        pass

async def f_async(a):
    if a:
        await a

def f_str_and(a):
    s = "a and b or c if d"
    # if comment and or
    return s

def f_dict_comp(xs):
    return {k: v for k, v in xs if k}

def d1(x):
    return x

def d2(x=1 if y else 2, z=a or b):
    return x

def d3(xs):
    while xs:
        pass
    else:
        pass

def d4(x):
    class Local:
        def lm(self):
            if self:
                pass
    if x:
        pass
    return Local

def d5(x):
    f = lambda: (yield)
    if x: pass
    return [lambda y: y for y in x]

def d6(x):
    s = f"{x if x else 1}"
    return s

def d7(
    a,
    b,
):
    return a
