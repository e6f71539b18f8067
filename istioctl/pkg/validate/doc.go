// Package validate implements "istioctl validate": it checks configuration
// files offline, before they reach a cluster, with the same strict parser
// and semantic validation the control plane uses, and reports every problem
// with its file, line, object and field.
//
// The command is split the linkerd2 way: fetch reads the inputs (files,
// directories, stdin), check parses and validates them into a report (pure,
// no I/O), and render prints the report as text or JSON (pure). The package
// provides the command only; wiring it into the istioctl root command and
// turning ExitError into the process status belong to istioctl's main.
package validate
