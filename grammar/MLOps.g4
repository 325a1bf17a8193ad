// The .mlops language, version 1 (see docs/language.md).
//
// The lexer rules below define the token vocabulary and document the lexical
// syntax; mlopsc itself lexes with the hand-written lexer in compiler/syntax/
// (faster, and with our own diagnostics), which produces exactly these token
// types (checked by tests/unit/lexer_test.cpp against this generated lexer).
//
// The parser is written to be LL(1) wherever the language allows, so ANTLR
// generates plain switches instead of adaptive prediction for almost every
// decision. Expressions are layered rules with loops instead of left
// recursion: no precedence predicates, and unary chains do not recurse.
// Names are written as inline token sets (not sub-rules) because every rule
// invocation costs a parse-tree node; the sets are:
//   NAME     = IDENT | any keyword except EXPECT, AND, OR, NOT, IN, TRUE, FALSE
//   ANY_NAME = NAME | EXPECT | AND | OR | NOT | IN | TRUE | FALSE
grammar MLOps;

// WHEN has no lexer rule: the lexer reads `when` as an IDENT, and the parser
// bridge (syntax/antlr_bridge.cpp) retypes an IDENT `when` followed by `=`,
// unless it follows `(` or `,` (a named call argument), so `when = a > b`
// takes an expression while `when` stays an ordinary name everywhere else.
tokens { WHEN }

// ---------------------------------------------------------------- entry points

file            : declaration* EOF ;
// mlopsc parses one top-level declaration at a time (see syntax/parser.cpp).
singleDeclaration : declaration EOF ;

declaration
  : projectDecl | useDecl | importDecl | roleDecl | kpiDecl | dataDecl
  | stepDecl | modelDecl | testDecl | gateDecl | deployDecl | monitorDecl
  | pipelineDecl | checkDecl
  ;

projectDecl  : PROJECT IDENT block ;
useDecl      : USE IDENT (DOT (IDENT | PROJECT | USE | IMPORT | ROLE | KPI | DATA | STEP | MODEL | TEST | GATE | DEPLOY | MONITOR | PIPELINE | CHECK | ON | FOR | USES | EVERY | WHERE | TARGET | OF | BASELINE | EXPECT | AND | OR | NOT | IN | TRUE | FALSE))* ;
importDecl   : IMPORT STRING ;
roleDecl     : ROLE IDENT (COLON path)? block ;
kpiDecl      : KPI IDENT block ;
dataDecl     : DATA IDENT block ;
stepDecl     : STEP IDENT block ;
modelDecl    : MODEL IDENT block ;
testDecl     : TEST IDENT ON path (USES path)? block? ;
gateDecl     : GATE IDENT FOR path block ;
deployDecl   : DEPLOY IDENT block ;
monitorDecl  : MONITOR IDENT ON path block ;
pipelineDecl : PIPELINE IDENT block ;
checkDecl    : CHECK IDENT LPAREN (param (COMMA param)* COMMA?)? RPAREN ON (IDENT | PROJECT | USE | IMPORT | ROLE | KPI | DATA | STEP | MODEL | TEST | GATE | DEPLOY | MONITOR | PIPELINE | CHECK | ON | FOR | USES | EVERY | WHERE | TARGET | OF | BASELINE | EXPECT | AND | OR | NOT | IN | TRUE | FALSE) block ;

param        : IDENT COLON typeName (ASSIGN value)? ;
typeName     : IDENT (LPAREN typeName RPAREN)? ;

// ---------------------------------------------------------------- blocks

block        : LBRACE member* RBRACE ;

member
  : EXPECT expectTail
  | WHEN ASSIGN expr                    // a condition: when = metrics.auc > 0.8
  | (IDENT | PROJECT | USE | IMPORT | ROLE | KPI | DATA | STEP | MODEL | TEST | GATE | DEPLOY | MONITOR | PIPELINE | CHECK | ON | FOR | USES | EVERY | WHERE | TARGET | OF | BASELINE) memberTail      // NAME: the property name
  ;
// `expect = v` is a property named expect; otherwise `expect` starts an expectation.
expectTail   : ASSIGN value | expr (EVERY value)? ;
memberTail
  : ASSIGN value                      // name = value
  | block                             // name { ... }
  | COLON typeName (ASSIGN value)? (WHERE expr)?   // column or typed param: name : type [= default] [where expr]
  | compareOp expr                    // kpi target: target >= 30%
  ;


// ---------------------------------------------------------------- values

value
  : STRING | RAW_STRING | TRUE | FALSE
  | numberValue
  | MINUS (NUMBER | DURATION | SIZE | PERCENT)
  | list
  | path (callArgs | block)?          // name, a.b.c, call f(...), value-block kind { ... }
  ;
numberValue  : NUMBER (OF path)? | DURATION | SIZE | PERCENT ;   // `2 of validators` is a quorum
list         : LBRACKET (value (COMMA value)* COMMA?)? RBRACKET ;
callArgs     : LPAREN (callArg (COMMA callArg)* COMMA?)? RPAREN ;
callArg      : value (ASSIGN value)? ;    // positional, or name = value
path         : (IDENT | PROJECT | USE | IMPORT | ROLE | KPI | DATA | STEP | MODEL | TEST | GATE | DEPLOY | MONITOR | PIPELINE | CHECK | ON | FOR | USES | EVERY | WHERE | TARGET | OF | BASELINE) (DOT (IDENT | PROJECT | USE | IMPORT | ROLE | KPI | DATA | STEP | MODEL | TEST | GATE | DEPLOY | MONITOR | PIPELINE | CHECK | ON | FOR | USES | EVERY | WHERE | TARGET | OF | BASELINE | EXPECT | AND | OR | NOT | IN | TRUE | FALSE))* ;   // NAME (. ANY_NAME)*

// ---------------------------------------------------------------- expressions

expr           : andExpr (OR andExpr)* ;
andExpr        : notExpr (AND notExpr)* ;
notExpr        : NOT* comparison ;
comparison     : additive (compareOp additive | IN exprList)* ;   // chains are rejected by sema (E0303)
compareOp      : EQ | NE | LT | LE | GT | GE ;
additive       : multiplicative ((PLUS | MINUS) multiplicative)* ;
multiplicative : unary ((STAR | SLASH) unary)* ;
unary          : MINUS* postfix ;
postfix        : primary (DOT (IDENT | PROJECT | USE | IMPORT | ROLE | KPI | DATA | STEP | MODEL | TEST | GATE | DEPLOY | MONITOR | PIPELINE | CHECK | ON | FOR | USES | EVERY | WHERE | TARGET | OF | BASELINE | EXPECT | AND | OR | NOT | IN | TRUE | FALSE) | LPAREN (expr (COMMA expr)* COMMA?)? RPAREN | LBRACKET expr RBRACKET)* ;   // a.b, f(x), metrics["roc-auc"]
primary
  : NUMBER | DURATION | SIZE | PERCENT | STRING | RAW_STRING | TRUE | FALSE
  | IDENT | PROJECT | USE | IMPORT | ROLE | KPI | DATA | STEP | MODEL | TEST | GATE | DEPLOY | MONITOR | PIPELINE | CHECK | ON | FOR | USES | EVERY | WHERE | TARGET | OF | BASELINE
  | LPAREN expr RPAREN
  | exprList
  ;
exprList       : LBRACKET (expr (COMMA expr)* COMMA?)? RBRACKET ;

// ---------------------------------------------------------------- tokens

PROJECT : 'project' ; USE : 'use' ; IMPORT : 'import' ; ROLE : 'role' ;
KPI : 'kpi' ; DATA : 'data' ; STEP : 'step' ; MODEL : 'model' ; TEST : 'test' ;
GATE : 'gate' ; DEPLOY : 'deploy' ; MONITOR : 'monitor' ; PIPELINE : 'pipeline' ;
CHECK : 'check' ; ON : 'on' ; FOR : 'for' ; USES : 'uses' ; EXPECT : 'expect' ;
EVERY : 'every' ; WHERE : 'where' ; TARGET : 'target' ; OF : 'of' ;
BASELINE : 'baseline' ; AND : 'and' ; OR : 'or' ; NOT : 'not' ; IN : 'in' ;
TRUE : 'true' ; FALSE : 'false' ;

LBRACE : '{' ; RBRACE : '}' ; LBRACKET : '[' ; RBRACKET : ']' ;
LPAREN : '(' ; RPAREN : ')' ; COMMA : ',' ; DOT : '.' ; COLON : ':' ;
EQ : '==' ; NE : '!=' ; LE : '<=' ; GE : '>=' ; LT : '<' ; GT : '>' ;
ASSIGN : '=' ; PLUS : '+' ; MINUS : '-' ; STAR : '*' ; SLASH : '/' ;

DURATION : NUM ('ms' | 's' | 'm' | 'h' | 'd') ;
SIZE     : NUM ('Ki' | 'Mi' | 'Gi' | 'Ti' | 'KB' | 'MB' | 'GB' | 'TB') ;
PERCENT  : NUM '%' ;
NUMBER   : NUM ;
fragment NUM : [0-9]+ ('.' [0-9]+)? ([eE] [+-]? [0-9]+)? ;

IDENT      : [A-Za-z_] [A-Za-z0-9_]* ;
RAW_STRING : '"""' .*? '"""' ;
STRING     : '"' (ESCAPE | ~["\\\r\n])* '"' ;
fragment ESCAPE : '\\' (["\\nt] | 'u{' [0-9a-fA-F]+ '}') ;

DOC_COMMENT   : '///' (~[/\r\n] ~[\r\n]*)? -> channel(HIDDEN) ;
LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n\u000C]+ -> skip ;
