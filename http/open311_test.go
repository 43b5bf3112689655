package http

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOpen311 files and reads a request the way a GeoReport v2 client does.
func TestOpen311(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, "sqlite")
	c := &http.Client{}
	resp, err := c.Get(e.srv.URL + "/open311/v2/services.json")
	if err != nil {
		t.Fatal(err)
	}
	var services []open311Service
	json.NewDecoder(resp.Body).Decode(&services)
	resp.Body.Close()
	found := false
	for _, s := range services {
		found = found || s.Code == "hazard.fire"
		if strings.HasPrefix(s.Code, "emergency.") {
			t.Fatalf("emergencies offered as a service: %+v", s)
		}
	}
	if resp.StatusCode != 200 || !found {
		t.Fatalf("services: %d %d entries", resp.StatusCode, len(services))
	}

	post := func(form url.Values) (int, []map[string]any) {
		resp, err := c.PostForm(e.srv.URL+"/open311/v2/requests.json", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out []map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	status, out := post(url.Values{"service_code": {"hazard.nope"}, "description": {""}})
	if status != 400 || len(out) != 1 || !strings.Contains(out[0]["description"].(string), "service_code") {
		t.Fatalf("bad request: %d %v", status, out)
	}
	status, out = post(url.Values{"service_code": {"hazard.fire"}, "description": {"河东村村口变压器冒烟，附近有小孩玩耍，请尽快处理"},
		"lat": {"34.705"}, "long": {"113.625"}})
	if status != 201 || len(out) != 1 {
		t.Fatalf("create: %d %v", status, out)
	}
	id := out[0]["service_request_id"].(string)
	resp, err = c.Get(e.srv.URL + "/open311/v2/requests/" + id + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var reqs []open311Request
	json.NewDecoder(resp.Body).Decode(&reqs)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(reqs) != 1 || reqs[0].Status != "open" || reqs[0].Address != "河东村第一网格" {
		t.Fatalf("get: %d %+v", resp.StatusCode, reqs)
	}
	if resp, _ := c.Get(e.srv.URL + "/open311/v2/requests.json"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("public list: %d", resp.StatusCode)
	}
	if resp, _ := c.Get(e.srv.URL + "/open311/v2/requests/AAAA-BBBB-CCCC.json"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown id: %d", resp.StatusCode)
	}
}
