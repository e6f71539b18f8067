// Package mixerpb holds the Mixer API, proto package istio.mixer.v1: the
// Check and Report calls that proxies make to Mixer, the attribute encodings
// they carry (Attributes, CompressedAttributes) and the global word list that
// both sides use to compress attribute names and common values.
//
// Everything but global_words.go is generated from the .proto files in this
// directory by tools/protogen/gen.sh; edit the .proto files and regenerate.
package mixerpb
