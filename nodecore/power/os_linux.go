package power

// OS returns the running OS's power source.
func OS() Source { return Sysfs{} }
