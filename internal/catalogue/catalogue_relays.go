package catalogue

import "github.com/streamspec/streamspec/harness"

// What proxies and relays get wrong: time after a half-close, idle
// connections and resets. A kernel stream keeps a half-closed or idle
// connection for as long as both ends hold it and passes a reset on in
// both directions; a relay may close a connection that has been quiet for
// a while, or turn a reset into a clean EOF.
var (
	HalfCloseSilence = Register(Behaviour{ID: "half-close-reply-after-silence", Area: "close", Class: Contract, Needs: []harness.Ability{harness.CloseWrite},
		Rule: "after CloseWrite the closer MUST still read a reply that its peer sends after 1 s of silence, then io.EOF"})
	Lifetimes = Register(Behaviour{ID: "lifetimes", Area: "close", Class: Observed, Needs: []harness.Ability{harness.CloseWrite},
		Rule: "how long a connection half-closed by A, one half-closed by B and an idle one survive, up to a horizon (-streamspec.horizon, default 3 s): survived, or cut after how long and how (EOF, RST)"})
	AbortiveCloseByA = Register(Behaviour{ID: "abortive-close-by-a", Area: "close", Class: Observed,
		Rule: "A sets SO_LINGER {on, 0} and closes: TCP resets; record what B sees (abortive-close is the same with B closing), so a relay that turns a reset into EOF in one direction or both shows"})
)
