package auth

import "testing"

func TestPrincipalPermissions(t *testing.T) {
	const svc, other = 1, 2
	limitedEditor := &Principal{UserID: 1, Role: Editor, Services: map[int64]bool{svc: true}}
	tests := []struct {
		name                            string
		p                               *Principal
		read, write, ingest, admin, add bool
	}{
		{"nobody", nil, false, false, false, false, false},
		{"admin session", &Principal{UserID: 1, Role: Admin}, true, true, true, true, true},
		{"viewer of all", &Principal{UserID: 1, Role: Viewer, AllServices: true}, true, false, false, false, false},
		{"editor of all", &Principal{UserID: 1, Role: Editor, AllServices: true}, true, true, true, false, true},
		{"editor limited to svc", limitedEditor, true, true, true, false, false},
		{"admin read token", &Principal{UserID: 1, Role: Admin, TokenID: 9, Scope: ScopeRead}, true, false, false, false, false},
		{"admin write token", &Principal{UserID: 1, Role: Admin, TokenID: 9, Scope: ScopeWrite}, true, true, true, false, true},
		{"admin token limited to other", &Principal{UserID: 1, Role: Admin, TokenID: 9, Scope: ScopeAdmin, TokenService: other}, false, false, false, false, false},
		{"ingest token", &Principal{UserID: 1, Role: Editor, AllServices: true, TokenID: 9, Scope: ScopeIngest, TokenService: svc}, false, false, true, false, false},
		{"viewer's write token is capped by role", &Principal{UserID: 1, Role: Viewer, AllServices: true, TokenID: 9, Scope: ScopeWrite}, true, false, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := [5]bool{tc.p.CanRead(svc), tc.p.CanWrite(svc), tc.p.CanIngest(svc), tc.p.IsAdmin(), tc.p.CanCreateServices()}
			want := [5]bool{tc.read, tc.write, tc.ingest, tc.admin, tc.add}
			if got != want {
				t.Fatalf("read, write, ingest, admin, add = %v, want %v", got, want)
			}
		})
	}
	if limitedEditor.CanRead(other) || limitedEditor.CanWrite(other) {
		t.Fatal("editor limited to one service reaches another")
	}
}

func TestRoleAllowsScope(t *testing.T) {
	for _, tc := range []struct {
		r    Role
		s    Scope
		want bool
	}{
		{Viewer, ScopeRead, true}, {Viewer, ScopeWrite, false}, {Viewer, ScopeIngest, false}, {Viewer, ScopeAdmin, false},
		{Editor, ScopeWrite, true}, {Editor, ScopeIngest, true}, {Editor, ScopeAdmin, false},
		{Admin, ScopeAdmin, true},
	} {
		if got := tc.r.Allows(tc.s); got != tc.want {
			t.Errorf("%s.Allows(%s) = %v, want %v", tc.r, tc.s, got, tc.want)
		}
	}
	if _, err := ParseRole("root"); err == nil {
		t.Error("ParseRole(root) succeeded")
	}
	if _, err := ParseScope("all"); err == nil {
		t.Error("ParseScope(all) succeeded")
	}
}
