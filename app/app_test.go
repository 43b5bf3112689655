package app_test

import (
	"reflect"
	"testing"

	"github.com/zhili-project/zhili/app"
	zhttp "github.com/zhili-project/zhili/http"
	"github.com/zhili-project/zhili/sqlstore/storetest"
)

// TestWireSetsEveryService guards against a service added to the server but not
// to the program: every exported interface or pointer field of http.Server must be
// set by Wire (the logger is the caller's).
func TestWireSetsEveryService(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	s := zhttp.NewServer()
	p := app.Wire(s, db)
	if p.Indicators == nil || p.Engine == nil {
		t.Fatal("Wire returned no indicator parts")
	}
	v := reflect.ValueOf(s).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Name == "Logger" {
			continue
		}
		switch f.Type.Kind() {
		case reflect.Interface, reflect.Pointer:
			if v.Field(i).IsNil() {
				t.Errorf("Wire leaves http.Server.%s unset", f.Name)
			}
		}
	}
}
