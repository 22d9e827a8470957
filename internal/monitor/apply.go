package monitor

import (
	"bytes"
	"context"
	"errors"
	"reflect"

	"go.yaml.in/yaml/v3"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
)

// Action is what applying a checks file does to one check.
type Action string

// The actions of an apply.
const (
	Add       Action = "add"
	Change    Action = "change"
	Remove    Action = "remove"
	Unchanged Action = "unchanged"
)

// Step is one check's part of an apply.
type Step struct {
	Action  Action
	Service string // the service's slug
	Name    string
	Fields  []string // for a change, the fields that differ, by their names in the file
	// Token is an added heartbeat's token: shown once, only its hash is kept.
	Token string

	check, old *Check
}

// Plan is what applying a checks file does (or did), check by check: the
// file's checks in its order, then the removed ones.
type Plan struct {
	Steps []Step
}

// Count is how many steps do a.
func (p *Plan) Count(a Action) int {
	n := 0
	for _, s := range p.Steps {
		if s.Action == a {
			n++
		}
	}
	return n
}

// ApplyOptions say how to apply a checks file.
type ApplyOptions struct {
	// Prune removes the checks of the file's services that it does not
	// declare. Services the file does not name are never touched.
	Prune bool
	// DryRun plans and changes nothing.
	DryRun bool
}

// ApplyChecks makes the checks of the services a file names what it
// declares, matching checks by service and name: a new name is added, one
// whose settings differ is changed, one that is the same is left alone.
// Everything is validated first, as the API validates (names, settings,
// targets the server may probe), and every problem is returned with its
// line as FileErrors; then the changes are made in one transaction, so a
// file is applied whole or not at all.
func (m *Monitor) ApplyChecks(ctx context.Context, f *ChecksFile, opt ApplyOptions) (*Plan, error) {
	var errs FileErrors
	type wanted struct {
		service *catalog.Service
		checks  []*Check
		file    *FileService
	}
	var want []wanted
	for i := range f.Services {
		fs := &f.Services[i]
		s, err := m.cat.BySlug(ctx, fs.Slug)
		if errors.Is(err, store.ErrNotFound) {
			errs = append(errs, &FileError{File: f.Name, Line: fs.Line, Field: "services",
				Message: "No service has the slug " + fs.Slug + ": add it first (liveops service add), or correct the slug"})
			continue
		}
		if err != nil {
			return nil, err
		}
		w := wanted{service: s, file: fs}
		for j := range fs.Checks {
			fc := &fs.Checks[j]
			c, err := Prepare(fc.Doc, s.ID, m.probeOptions)
			if err != nil {
				errs = append(errs, prepareError(f.Name, fc, err))
				continue
			}
			w.checks = append(w.checks, c)
		}
		want = append(want, w)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	plan := &Plan{}
	build := func(q store.Querier) error {
		for _, w := range want {
			have, err := listChecks(ctx, q, w.service.ID)
			if err != nil {
				return err
			}
			byName := map[string]*Check{}
			for _, c := range have {
				byName[c.Name] = c
			}
			for j, c := range w.checks {
				step := Step{Action: Add, Service: w.service.Slug, Name: c.Name, check: c}
				if old, ok := byName[c.Name]; ok {
					delete(byName, c.Name)
					c.ID = old.ID
					if err := retype(old, c); err != nil {
						errs = append(errs, prepareError(f.Name, &w.file.Checks[j], err))
					}
					step.old, step.Fields, step.Action = old, settingsDiff(Doc(old), Doc(c)), Unchanged
					if len(step.Fields) > 0 {
						step.Action = Change
					}
				}
				plan.Steps = append(plan.Steps, step)
			}
			if opt.Prune {
				for _, c := range have {
					if _, gone := byName[c.Name]; gone {
						plan.Steps = append(plan.Steps, Step{Action: Remove, Service: w.service.Slug, Name: c.Name, old: c})
					}
				}
			}
		}
		if len(errs) > 0 {
			return errs
		}
		return nil
	}
	if opt.DryRun {
		if err := build(m.DB); err != nil {
			return nil, err
		}
		return plan, nil
	}
	err := m.DB.Tx(ctx, func(tx store.Querier) error {
		if err := build(tx); err != nil {
			return err
		}
		return m.Checks.apply(ctx, tx, plan)
	})
	if err != nil {
		return nil, err
	}
	if plan.Count(Unchanged) < len(plan.Steps) {
		m.Checks.changed()
	}
	return plan, nil
}

// apply makes the plan's changes with q: removals first, so that a check
// renamed in the file does not clash with the one it replaces.
func (cs *Checks) apply(ctx context.Context, q store.Querier, plan *Plan) error {
	for _, s := range plan.Steps {
		if s.Action == Remove {
			if err := remove(ctx, q, s.old.ServiceID, s.old.ID); err != nil {
				return err
			}
		}
	}
	for i := range plan.Steps {
		s := &plan.Steps[i]
		var err error
		switch s.Action {
		case Add:
			s.Token, err = cs.insert(ctx, q, s.check)
		case Change:
			err = cs.update(ctx, q, s.old, s.check)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// settingsDiff names the settings in which two checks' documents differ,
// by their names in the file; their state is not compared.
func settingsDiff(old, new CheckDoc) []string {
	a, b := docMap(old), docMap(new)
	var out []string
	for _, name := range docFields {
		if !reflect.DeepEqual(a[name], b[name]) {
			out = append(out, name)
		}
	}
	return out
}

// docMap is a document as its file writes it, field by field.
func docMap(d CheckDoc) map[string]any {
	b, err := yaml.Marshal(d)
	if err != nil {
		panic("monitor: a check's document does not marshal: " + err.Error()) // plain fields only
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		panic("monitor: a check's document does not read back: " + err.Error())
	}
	return m
}

// fileDoc is a checks file as ExportChecks writes it.
type fileDoc struct {
	Services map[string]serviceDoc `yaml:"services"`
}

type serviceDoc struct {
	Checks []CheckDoc `yaml:"checks"`
}

// ExportChecks writes the checks of services as a checks file that
// applies with no change: each check's settings, without those left at
// their defaults.
func (m *Monitor) ExportChecks(ctx context.Context, services []*catalog.Service) ([]byte, error) {
	out := fileDoc{Services: map[string]serviceDoc{}}
	for _, s := range services {
		list, err := m.Checks.List(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		docs := []CheckDoc{}
		for _, c := range list {
			docs = append(docs, fileCheckDoc(c))
		}
		out.Services[s.Slug] = serviceDoc{Checks: docs}
	}
	var buf bytes.Buffer
	buf.WriteString("# liveops checks: apply with liveops checks apply -f FILE\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fileCheckDoc is a check's document without the settings left at their
// defaults, which the file need not say.
func fileCheckDoc(c *Check) CheckDoc {
	d := Doc(c)
	if d.Public != nil && *d.Public {
		d.Public = nil
	}
	if d.FollowRedirects != nil && *d.FollowRedirects {
		d.FollowRedirects = nil
	}
	if c.Spec.Timeout == min(DefaultTimeout, c.Interval) {
		d.Timeout = ""
	}
	return d
}
