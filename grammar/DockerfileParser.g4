// The structure of one logical Dockerfile line; see DockerfileLexer.g4 for
// the modes. Each entry rule parses one part of the line. What the C++ side
// does with the parts (quote removal in flags, JSON unescaping, BuildKit's
// node building) is in frontend/node_builder.cpp.
parser grammar DockerfileParser;

options { tokenVocab = DockerfileLexer; }

// KEYWORD [--flag ...] rest: the parser stops at the first byte of the rest,
// so a long RUN line is not fed through the lexer twice.
instructionHead : KEYWORD ( FLAG_SPACE | flag )* REST_START? ;
flag            : FLAG_START flagPart* ;
flagPart        : FW_TEXT | FW_DQ FD_TEXT? FD_END? | FW_SQ FS_TEXT? FS_END? ;

// An exec-form array. Nested arrays, objects, numbers and literals are
// accepted so that valid JSON holding a non-string (an error in BuildKit) can
// be told apart from text that is not JSON (the shell form).
jsonArray  : J_LBRACK ( jsonValue ( J_COMMA jsonValue )* )? J_RBRACK EOF ;
jsonValue  : J_STRING | J_NUMBER | J_TRUE | J_FALSE | J_NULL | jsonNested | jsonObject ;
jsonNested : J_LBRACK ( jsonValue ( J_COMMA jsonValue )* )? J_RBRACK ;
jsonObject : J_LBRACE ( jsonMember ( J_COMMA jsonMember )* )? J_RBRACE ;
jsonMember : J_STRING J_COLON jsonValue ;

// ENV/LABEL/ARG: words that are name=value pairs or bare names.
wordList  : W_SPACE? ( word ( W_SPACE word )* W_SPACE? )? EOF ;
word      : nameValue | name ;
nameValue : namePart* W_EQUALS ( namePart | W_EQUALS )* ;
name      : namePart+ ;
namePart  : W_TEXT | W_DQ DQ_TEXT? DQ_END? | W_SQ SQ_TEXT? SQ_END? ;

// FROM, EXPOSE and the shell form of COPY/ADD/VOLUME.
fieldList : F_SPACE? ( F_FIELD ( F_SPACE F_FIELD )* F_SPACE? )? EOF ;

// [fd]<<[-] [blanks] name
heredocMarker : H_DIGITS? H_OPERATOR H_DASH? H_SPACES? H_NAME? EOF ;
