// Package sensitive protects personal data held by zhili: it encrypts fields
// with SM4-GCM and indexes them with HMAC-SM3 blind digests, as GB/T 39786 and
// the Personal Information Protection Law expect of government systems; masks
// values for display so screens and exports show only what a reader needs; and
// validates resident ID numbers, unified social credit codes and phone numbers
// so bad data is stopped at the door rather than encrypted forever.
//
// The package has no global state and every function is safe for concurrent use.
package sensitive
