package validation

import (
	"google.golang.org/protobuf/reflect/protoreflect"
)

// checkEnums reports enum fields holding a number the enum does not
// define. A strict parser refuses unknown names, but numbers (and objects
// built in code or read from stores) can still carry them.
func checkEnums(e *errs, p path, m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		fp := p.field(fd.JSONName())
		switch {
		case fd.IsMap():
			if fd.MapValue().Kind() != protoreflect.EnumKind && fd.MapValue().Kind() != protoreflect.MessageKind {
				return true
			}
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				kp := fp.key(k.String())
				if fd.MapKey().Kind() != protoreflect.StringKind {
					kp = path(string(fp) + "[" + k.String() + "]")
				}
				checkEnumValue(e, kp, fd.MapValue(), mv)
				return true
			})
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				checkEnumValue(e, fp.index(i), fd, l.Get(i))
			}
		default:
			checkEnumValue(e, fp, fd, v)
		}
		return true
	})
}

func checkEnumValue(e *errs, p path, fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		values := fd.Enum().Values()
		if values.ByNumber(v.Enum()) == nil {
			names := ""
			for i := 0; i < values.Len(); i++ {
				if i > 0 {
					names += ", "
				}
				names += string(values.Get(i).Name())
			}
			e.add(p, "%d is not a valid %s: use one of %s", v.Enum(), fd.Enum().Name(), names)
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		checkEnums(e, p, v.Message())
	}
}
