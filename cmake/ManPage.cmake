# Write a man page (roff, section 1) from a program's --help text:
#   cmake -DPROGRAM=path/to/tool -DNAME=tool -DVERSION=1.0.0 -DOUTPUT=tool.1 -P ManPage.cmake
# The first paragraph of the help (its "usage:" lines) is the SYNOPSIS, the
# first sentence after it the NAME line, the rest the DESCRIPTION as it
# stands (preformatted: the help text is laid out in columns).
cmake_minimum_required(VERSION 3.25)
foreach(v PROGRAM NAME VERSION OUTPUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "ManPage.cmake: -D${v}=... is required")
  endif()
endforeach()
execute_process(COMMAND ${PROGRAM} --help
  OUTPUT_VARIABLE help RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR help STREQUAL "")
  message(FATAL_ERROR "${PROGRAM} --help failed (${rc}): ${err}")
endif()

# roff: a backslash is \e, a line that begins with . or ' is escaped by \&
string(REPLACE "\\" "\\e" help "${help}")
string(REPLACE ";" "\\;" help "${help}") # keep ';' through the list below
string(REGEX REPLACE "\n$" "" help "${help}")
string(REPLACE "\n" ";" lines "${help}")

set(part synopsis)
set(synopsis "")
set(summary "")
set(body "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[.']")
    string(PREPEND line "\\&")
  endif()
  if(part STREQUAL "synopsis")
    if(line STREQUAL "")
      set(part summary)
    else()
      # "usage: " goes; a continuation line keeps its place under the name
      # (SUBSTRING, not REGEX REPLACE: "^" would match again after each cut)
      if(line MATCHES "^usage: " OR line MATCHES "^       ")
        string(SUBSTRING "${line}" 7 -1 line)
      endif()
      string(APPEND synopsis "${line}\n")
    endif()
  elseif(part STREQUAL "summary" AND summary STREQUAL "" AND NOT line STREQUAL "")
    string(REGEX MATCH "^[^.]*\\." summary "${line}")
    if(summary STREQUAL "")
      set(summary "${line}")
    endif()
    string(REGEX REPLACE "\\.$" "" summary "${summary}")
    string(APPEND body "${line}\n")
    set(part body)
  else()
    string(APPEND body "${line}\n")
  endif()
endforeach()
string(TOUPPER "${NAME}" title)
file(WRITE ${OUTPUT}
".TH \"${title}\" 1 \"\" \"autolic ${VERSION}\" \"User Commands\"
.SH NAME
${NAME} \\- ${summary}
.SH SYNOPSIS
.nf
${synopsis}.fi
.SH DESCRIPTION
.nf
${body}.fi
.SH SEE ALSO
The guide to the example programs (docs/examples.md) in the libautolic sources.
")
