// Package widget serves /js/feedback.js, the script that turns the feedback
// forms a service pastes into its pages into an in-place widget: it sends
// with fetch and says thank you where the form was. The forms work without
// it; it is an enhancement, and a page that forbids third-party script
// loses nothing but the in-place thank-you.
//
// What the script does: fills in the page's address when the form leaves
// it to the script; in "Is this page useful?" shows "How should we improve
// this page?" only after "No"; sends with fetch to /api/feedback and says
// thank you in place, in a status message that takes the focus; shows the
// server's message after the form when it refuses, marking the field; and
// posts the plain form when script may not reach liveops. It sets no
// cookies and stores nothing in the browser.
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
