// Tokens of one logical Dockerfile line (continuations already joined by the
// C++ pre-pass in frontend/). The driver, frontend/antlr_adapter.cpp, starts
// the lexer in the mode for the part it parses:
//
//   DEFAULT_MODE    the instruction head: keyword, flags, start of the rest
//                   (with FLAG_WORD, FLAG_DQ, FLAG_SQ for the parts of a flag)
//   JSON_MODE       an exec-form array, `["a", "b"]`
//   WORDS_MODE      ENV/LABEL/ARG words, escape character `\` (WORDS_DQ, WORDS_SQ
//                   inside quotes)
//   WORDS_BT_MODE   the same with `# escape=`` (WORDS_BT_DQ)
//   HEREDOC_MODE    one candidate heredoc word, `3<<-EOF`
//
// Blanks between words are skipped: a word ends where the next token does not
// start right after it, which spares the runtime a token per blank.
//
// Input symbols are bytes (0-255) in every mode except the WORDS modes, which
// see decoded Unicode code points (invalid UTF-8 as U+FFFD), because BuildKit
// splits flags and JSON byte by byte but ENV/LABEL/ARG words rune by rune.
lexer grammar DockerfileLexer;

// ---- DEFAULT_MODE: the keyword is the first run of non-blank bytes.
KEYWORD : ~[\t\u000B\f\r ]+ -> mode(HEAD_FLAGS) ;

// ---- After the keyword: `--flag` words, then the first byte of the rest.
// Blank here is Go's unicode.IsSpace applied to single bytes, as BuildKit's
// extractBuilderFlags does (so 0x85 and 0xA0 count). A flag word is several
// tokens: quotes switch modes, so a closing quote can never be taken for an
// opening one.
mode HEAD_FLAGS;
FLAG_SPACE : HEAD_BLANK+ -> skip ;
FLAG_START : '--' -> mode(FLAG_WORD) ;
// The rest of the line is parsed separately (JSON, words, or as it is), so
// the driver stops at this token.
REST_START : ~[\t\n\u000B\f\r \u0085\u00A0] ;

fragment HEAD_BLANK  : [\t\n\u000B\f\r \u0085\u00A0] ;
fragment FLAG_ESCAPE : '\\' .? ;

mode FLAG_WORD;
FW_TEXT  : ( ~[\t\n\u000B\f\r \u0085\u00A0"'\\] | FLAG_ESCAPE )+ ;
FW_DQ    : '"' -> pushMode(FLAG_DQ) ;
FW_SQ    : '\'' -> pushMode(FLAG_SQ) ;
FW_SPACE : HEAD_BLANK+ -> skip, mode(HEAD_FLAGS) ;

mode FLAG_DQ;
FD_TEXT : ( ~["\\] | FLAG_ESCAPE )+ ;
FD_END  : '"' -> popMode ;

mode FLAG_SQ;
FS_TEXT : ( ~['\\] | FLAG_ESCAPE )+ ;
FS_END  : '\'' -> popMode ;

// ---- JSON (Go's encoding/json syntax, byte by byte).
mode JSON_MODE;
J_LBRACK : '[' ;
J_RBRACK : ']' ;
J_LBRACE : '{' ;
J_RBRACE : '}' ;
J_COMMA  : ',' ;
J_COLON  : ':' ;
J_STRING : '"' ( ~["\\\u0000-\u001F] | '\\' ["\\/bfnrt] | '\\u' J_HEX J_HEX J_HEX J_HEX )* '"' ;
J_NUMBER : '-'? ( '0' | [1-9] [0-9]* ) ( '.' [0-9]+ )? ( [eE] [+\-]? [0-9]+ )? ;
J_TRUE   : 'true' ;
J_FALSE  : 'false' ;
J_NULL   : 'null' ;
J_SPACE  : [ \t\n\r]+ -> skip ;
// Anything else makes the text "not JSON" (BuildKit then uses the shell form).
J_OTHER  : . ;

fragment J_HEX : [0-9a-fA-F] ;

// ---- ENV/LABEL/ARG words. Quotes group (and stay in the word); outside
// single quotes the escape character takes the next character along. A
// `name=value` pair is one word: BuildKit splits it at its first '=' byte,
// even one inside quotes or after an escape, so that split is textual
// (frontend/arg_builders.cpp), not a token boundary.
mode WORDS_MODE;
W_SPACE  : WORD_BLANK+ -> skip ;
W_TEXT   : ( ~[\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"'\\] | '\\' .? )+ ;
W_DQ     : '"' -> pushMode(WORDS_DQ) ;
W_SQ     : '\'' -> pushMode(WORDS_SQ) ;

fragment WORD_BLANK : [\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000] ;

mode WORDS_DQ;
DQ_TEXT : ( ~["\\] | '\\' .? )+ ;
DQ_END  : '"' -> popMode ;

mode WORDS_SQ;
SQ_TEXT : ~[']+ ;
SQ_END  : '\'' -> popMode ;

// The same with `# escape=`` (the backtick escapes, `\` is a plain character).
mode WORDS_BT_MODE;
WB_SPACE  : WORD_BLANK+ -> skip ;
WB_TEXT   : ( ~[\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"'`] | '`' .? )+ -> type(W_TEXT) ;
WB_DQ     : '"' -> type(W_DQ), pushMode(WORDS_BT_DQ) ;
WB_SQ     : '\'' -> type(W_SQ), pushMode(WORDS_SQ) ;

mode WORDS_BT_DQ;
WBD_TEXT : ( ~["`] | '`' .? )+ -> type(DQ_TEXT) ;
WBD_END  : '"' -> type(DQ_END), popMode ;

// ---- One heredoc candidate word, matched like ^(\d*)<<(-?)\s*([^<]*)$ in a
// few tokens whatever its length: modes track the part of the pattern.
mode HEREDOC_MODE;
H_DIGITS   : [0-9]+ ;
H_OPERATOR : '<<' -> mode(HEREDOC_AFTER) ;
H_BAD      : . ;

mode HEREDOC_AFTER;
H_DASH     : '-' -> mode(HEREDOC_DASHED) ;
H_SPACES   : HEREDOC_BLANK+ -> mode(HEREDOC_NAME) ;
H_NAME     : ~[\-<\t\n\f\r ] ~[<]* -> mode(HEREDOC_NAME) ;
HA_BAD     : . -> type(H_BAD) ;

mode HEREDOC_DASHED;
HD_SPACES  : HEREDOC_BLANK+ -> type(H_SPACES), mode(HEREDOC_NAME) ;
HD_NAME    : ~[<\t\n\f\r ] ~[<]* -> type(H_NAME), mode(HEREDOC_NAME) ;
HD_BAD     : . -> type(H_BAD) ;

mode HEREDOC_NAME;
HN_NAME    : ~[<]+ -> type(H_NAME) ;
HN_BAD     : . -> type(H_BAD) ;

fragment HEREDOC_BLANK : [\t\n\f\r ] ;
