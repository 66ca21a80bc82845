package localapi

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/settings"
)

func (s *Server) getSettings(w http.ResponseWriter, r *http.Request) {
	if s.Settings == nil {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "settings are not available")
		return
	}
	reply(w, shownSettings(s.Settings.Get()))
}

// hiddenPassword stands for the proxy's password in what the API shows:
// any user who may read the node would otherwise read it.
const hiddenPassword = "hidden"

// shownSettings are st as the API shows them: the proxy's user name and
// password hidden.
func shownSettings(st api.Settings) api.Settings {
	if st.Proxy != nil {
		p := shownProxy(*st.Proxy)
		st.Proxy = &p
	}
	return st
}

func shownProxy(proxy string) string {
	u, err := url.Parse(proxy)
	if err != nil || u.User == nil {
		return proxy
	}
	// The user name may be the secret (a token as the user, no password).
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(hiddenPassword, hiddenPassword)
	} else {
		u.User = url.User(hiddenPassword)
	}
	return u.String()
}

func (s *Server) patchSettings(w http.ResponseWriter, r *http.Request) {
	if s.Settings == nil {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "settings are not available")
		return
	}
	var p api.Settings
	if !decode(w, r, &p) {
		return
	}
	if cur := s.Settings.Get(); p.Proxy != nil && cur.Proxy != nil && *p.Proxy != *cur.Proxy && *p.Proxy == shownProxy(*cur.Proxy) {
		p.Proxy = nil // the settings sent back as shown: the password stays
	}
	next, err := s.Settings.Patch(p)
	var se *settings.Error
	if errors.As(err, &se) {
		fail(w, http.StatusBadRequest, api.CodeBadSetting, err.Error())
		return
	}
	if err != nil {
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
		return
	}
	if p.QuotaGB != nil && s.Models != nil {
		// A smaller quota frees the room at once (never a model in use or
		// held for the network; those wait).
		if removed, err := s.Models.MakeRoom(0); err != nil {
			s.Log.Warn("the new storage quota cannot be met yet", "err", err)
		} else if len(removed) > 0 {
			s.Log.Info("models evicted for the new quota", "models", removed)
		}
	}
	s.Log.Info("settings changed")
	reply(w, shownSettings(next))
}
