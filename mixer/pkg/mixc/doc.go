// Package mixc is the command tree of mixc, the Mixer client CLI used to
// send Check and Report calls to a Mixer server by hand.
//
// It owns the check and report subcommands and their options. Neither
// works yet: Mixer's API lands in a later release, and both say so and
// exit 1. It must not import other components (pilot/, security/,
// galley/, proxy/, istioctl/).
package mixc
