package web

import "context"

// Viewer is the signed-in person as the layout needs them: whom to greet and
// which navigation to show. The accounts area puts it in the request context.
type Viewer struct {
	ID      int64
	Email   string
	Role    string
	IsAdmin bool
}

type viewerKey struct{}

// WithViewer returns ctx carrying v.
func WithViewer(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerFrom returns the signed-in viewer, or nil.
func ViewerFrom(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}
