// Package tracker serves the analytics tracker, script.js: the small script
// a site embeds to send page views and events to POST /api/event.
//
// script.js is written and minified by hand, with no build step;
// script.src.js beside it is the readable, commented source.
package tracker

import (
	_ "embed"

	"github.com/liveops/liveops/internal/embedjs"
)

//go:embed script.js
var scriptJS []byte

// QueueSnippet, placed before any call, defines liveops() so that a site can
// send custom events before script.js has loaded; the script sends the
// queued calls when it starts.
const QueueSnippet = `window.liveops=window.liveops||function(){(window.liveops.q=window.liveops.q||[]).push(arguments)}`

var std = embedjs.New("script", scriptJS)

// Script is the tracker, served from /js/script.js.
func Script() *embedjs.Script { return std }

// VersionedPath is the tracker's URL path with its version in it, such as
// /js/script.1a2b3c4d.js, for the install snippet.
func VersionedPath() string { return std.VersionedPath() }
