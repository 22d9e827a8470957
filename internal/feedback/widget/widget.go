// Package widget serves /js/feedback.js, the script that turns the feedback
// forms a service pastes into its pages into an in-place widget: it sends
// with fetch and says thank you where the form was. The forms work without
// it; it is an enhancement, and a page that forbids third-party script
// loses nothing but the in-place thank-you.
package widget

import (
	_ "embed"

	"github.com/liveops/liveops/internal/embedjs"
)

//go:embed feedback.js
var feedbackJS []byte

var script = embedjs.New("feedback", feedbackJS)

// Script is the widget, served from /js/feedback.js.
func Script() *embedjs.Script { return script }
