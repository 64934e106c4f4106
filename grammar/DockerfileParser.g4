// The nested structures of a Dockerfile line: exec-form JSON arrays and
// heredoc markers. The flat ones (keyword and flags, ENV/LABEL/ARG words,
// fields) are sequences of tokens and come straight from the lexer's modes
// (DockerfileLexer.g4); frontend/antlr_adapter.cpp reads them without a
// parse tree, which keeps the per-instruction cost low. What the C++ side
// then does with the parts (quote removal in flags, JSON unescaping,
// BuildKit's node building) is in frontend/node_builder.cpp.
parser grammar DockerfileParser;

options { tokenVocab = DockerfileLexer; }

// An exec-form array. Nested arrays, objects, numbers and literals are
// accepted so that valid JSON holding a non-string (an error in BuildKit) can
// be told apart from text that is not JSON (the shell form).
jsonArray  : J_LBRACK ( jsonValue ( J_COMMA jsonValue )* )? J_RBRACK EOF ;
jsonValue  : J_STRING | J_NUMBER | J_TRUE | J_FALSE | J_NULL | jsonNested | jsonObject ;
jsonNested : J_LBRACK ( jsonValue ( J_COMMA jsonValue )* )? J_RBRACK ;
jsonObject : J_LBRACE ( jsonMember ( J_COMMA jsonMember )* )? J_RBRACE ;
jsonMember : J_STRING J_COLON jsonValue ;

// [fd]<<[-] [blanks] name
heredocMarker : H_DIGITS? H_OPERATOR H_DASH? H_SPACES? H_NAME? EOF ;
