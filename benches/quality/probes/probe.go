package p

func base() int {
	return 1
}

func fIf(a bool) int {
	if a {
		return 1
	}
	return 2
}

func fIfElse(a bool) int {
	if a {
		return 1
	} else {
		return 2
	}
}

func fElseIf(a int) int {
	if a == 1 {
		return 1
	} else if a == 2 {
		return 2
	} else if a == 3 {
		return 3
	} else {
		return 4
	}
}

func fFor() {
	for i := 0; i < 10; i++ {
	}
}

func fForInf() {
	for {
		break
	}
}

func fRange(xs []int) {
	for _, x := range xs {
		_ = x
	}
}

func fSwitch(a int) int {
	switch a {
	case 1:
		return 1
	case 2, 3:
		return 2
	default:
		return 3
	}
}

func fSwitchNoDefault(a int) int {
	switch a {
	case 1:
		return 1
	case 2:
		return 2
	}
	return 0
}

func fTypeSwitch(a interface{}) int {
	switch a.(type) {
	case int:
		return 1
	case string:
		return 2
	}
	return 0
}

func fSelect(a, b chan int) {
	select {
	case <-a:
	case <-b:
	default:
	}
}

func fAnd(a, b bool) bool {
	return a && b
}

func fOr(a, b bool) bool {
	return a || b
}

func fAndOr(a, b, c bool) bool {
	return a && b || c
}

func fNot(a bool) bool {
	return !a
}

func fClosure(a bool) func() int {
	f := func() int {
		if a {
			return 1
		}
		return 2
	}
	return f
}

func fClosureInline(xs []int) {
	sort(xs, func(i, j int) bool { return xs[i] < xs[j] && i > 0 })
}

func fGoto(a int) {
L:
	if a > 0 {
		a--
		goto L
	}
}

func fDefer() {
	defer func() {
		if r := recover(); r != nil {
		}
	}()
}

func fFallthrough(a int) {
	switch {
	case a > 1:
		fallthrough
	case a > 0:
	}
}

type T struct{}

func (t *T) Method(a bool) int {
	if a {
		return 1
	}
	return 0
}

func (t T) ValMethod() int {
	return 0
}

func fGeneric[K comparable, V any](m map[K]V) int {
	if len(m) > 0 {
		return 1
	}
	return 0
}

func (t *T) OneLine() int { return 1 }

func fString() string {
	s := "if a && b || c"
	// if && ||
	return s
}

func fBreakLabel(xs []int) {
outer:
	for _, x := range xs {
		for range xs {
			if x > 0 {
				continue outer
			}
		}
	}
}
