# sqlgen.awk: builds hinge's install and upgrade scripts from sql/[0-9]*.sql.
#
#   awk -f scripts/sqlgen.awk -v mode=full sql/[0-9]*.sql
#       the full install script: every statement of the sources
#   awk -f scripts/sqlgen.awk -v mode=upgrade -v since=1.2 sql/[0-9]*.sql
#       what an upgrade to version 1.2 adds: the blocks marked "-- @since 1.2"
#       (objects new or redefined in 1.2), then every COMMENT ON statement,
#       so that an upgraded catalog documents every object as a fresh one
#
# Two markers, each on a line of its own:
#   -- @each X a | b | c@1.2   repeats the lines up to "-- @end each", once
#                              per value, with @X@ replaced by the value and
#                              @X_NOTE@ by "" for float8[] (the type features
#                              are documented for) and " (VALUE features)"
#                              for the others; a value with "@V" is new in
#                              version V (as if its copy were in "@since V")
#   -- @since V ... -- @end since
#                              a block new (or redefined) in version V
#   -- @upgrade V ... -- @end upgrade
#                              lines of the upgrade to version V only, such
#                              as the DROP of a function whose arguments
#                              changed (a fresh install never had it)
# Lines of the sources are copied otherwise unchanged; "-- @" lines are not.

function emit(line) {
    if (mode == "full" || (mode == "upgrade" && (in_since == since || value_since == since)))
        print line
    if (mode == "upgrade") {
        # COMMENT ON statements, collected to the end
        if (in_comment || line ~ /^COMMENT ON /) {
            comments[++ncomments] = line
            in_comment = (line !~ /;[ \t]*$/)
        }
    }
}

function flush_each(   i, j, line, note, value, at) {
    for (i = 1; i <= nvalues; i++) {
        value = values[i]
        value_since = ""
        at = index(value, "@")
        if (at > 0) {
            value_since = substr(value, at + 1)
            value = substr(value, 1, at - 1)
        }
        note = (value == "float8[]") ? "" : " (" value " features)"
        for (j = 1; j <= nbody; j++) {
            line = body[j]
            gsub("@" each_var "_NOTE@", note, line)
            gsub("@" each_var "@", value, line)
            emit(line)
        }
    }
    value_since = ""
    nbody = 0
    in_each = 0
}

BEGIN {
    if (mode != "full" && mode != "upgrade") {
        print "sqlgen.awk: mode must be full or upgrade" > "/dev/stderr"
        exit 1
    }
    if (mode == "full")
        print "-- hinge: generated from sql/[0-9]*.sql by scripts/sqlgen.awk; edit those instead."
    else
        print "-- hinge " since ": generated from sql/[0-9]*.sql by scripts/sqlgen.awk; edit those instead."
}

/^-- @each / {
    each_var = $3
    line = $0
    sub(/^-- @each [A-Za-z_]+ /, "", line)
    nvalues = split(line, values, / *\| */)
    for (v = 1; v <= nvalues; v++)
        gsub(/^ +| +$/, "", values[v])
    in_each = 1
    nbody = 0
    next
}
/^-- @end each/ { flush_each(); next }
/^-- @upgrade / { in_upgrade = $3; next }
/^-- @end upgrade/ { in_upgrade = ""; next }
/^-- @since / { in_since = $3; next }
/^-- @end since/ { in_since = ""; next }
/^-- @/ {
    print "sqlgen.awk: unknown marker: " $0 > "/dev/stderr"
    exit 1
}

{
    if (in_upgrade != "") {
        if (mode == "upgrade" && in_upgrade == since)
            print $0
    } else if (in_each)
        body[++nbody] = $0
    else
        emit($0)
}

END {
    if (mode == "upgrade") {
        print ""
        print "-- every object's documentation, as a fresh install has it"
        for (i = 1; i <= ncomments; i++)
            print comments[i]
    }
}
