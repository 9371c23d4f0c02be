var indexSectionsWithContent =
{
  0: "abcdefgilmoprstvw",
  1: "a",
  2: "acds",
  3: "a",
  4: "abcdefgilmoprstv",
  5: "a",
  6: "a",
  7: "a",
  8: "a",
  9: "elstw"
};

var indexSectionNames =
{
  0: "all",
  1: "classes",
  2: "files",
  3: "functions",
  4: "variables",
  5: "typedefs",
  6: "enums",
  7: "enumvalues",
  8: "defines",
  9: "pages"
};

var indexSectionLabels =
{
  0: "All",
  1: "Data Structures",
  2: "Files",
  3: "Functions",
  4: "Variables",
  5: "Typedefs",
  6: "Enumerations",
  7: "Enumerator",
  8: "Macros",
  9: "Pages"
};

