// The document itself: JSON split into literals of under 4095 characters, the longest string
// literal ISO C++ promises to support (clang's -Wpedantic warns beyond it).
#include "server/openapi_document.h"

#include <nlohmann/json.hpp>

#include "server/openapi_platform.h"

namespace ragd::server {

namespace {

// clang-format off
constexpr const char* kDocumentParts[] = {
R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "ragd HTTP API",
    "version": "1",
    "description": "Retrieval-augmented answers with citations over an organisation's documents. Every response carries X-Request-ID (the client's own echoed when it is 1..128 characters of [A-Za-z0-9._-], else a generated one). Errors are Error objects. JSON bodies need Content-Type application/json (415 otherwise); unknown top-level fields are refused with 422 except on /v1/chat/completions and /v1/embeddings. A method a path does not allow answers 405 (method_not_allowed) with an Allow header; an unknown path 404. A request naming no collection uses `default`."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "paths": {
    "/v1/collections": {
      "get": {
        "operationId": "listCollections",
        "summary": "List collections",
        "responses": {
          "200": {
            "description": "The collections",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CollectionList"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "post": {
        "operationId": "createCollection",
        "summary": "Create a collection",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CollectionCreate"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Collection"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/collections/{name}": {
      "parameters": [
        {
          "name": "name",
          "in": "path",
          "required": true,
          "description": "Collection name: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}; any other text (`..`, `a/b`) is refused with 422.",
          "schema": {
            "$ref": "#/components/schemas/CollectionName"
          }
        }
      ],
      "get": {
        "operationId": "getCollection",
        "summary": "A collection with its counts and size",
        "responses": {
          "200": {
            "description": "The collection",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
)json",
R"json(            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Collection"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "patch": {
        "operationId": "updateCollection",
        "summary": "Change description and domains",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CollectionUpdate"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The updated collection",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Collection"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "operationId": "deleteCollection",
        "summary": "Delete a collection, its documents and indexes",
        "responses": {
          "204": {
            "description": "Deleted",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/collections/{name}/documents": {
      "parameters": [
        {
          "name": "name",
          "in": "path",
          "required": true,
          "description": "Collection name: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}; any other text (`..`, `a/b`) is refused with 422.",
          "schema": {
            "$ref": "#/components/schemas/CollectionName"
          }
        }
      ],
      "post": {
        "operationId": "addDocument",
        "summary": "Upload a document (multipart file or JSON text); creates the collection when absent",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DocumentCreate"
              }
)json",
R"json(            },
            "multipart/form-data": {
              "schema": {
                "$ref": "#/components/schemas/DocumentUpload"
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "An ingestion job",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/JobAccepted"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "get": {
        "operationId": "listDocuments",
        "summary": "Documents, filtered and paged",
        "parameters": [
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 50
            }
          },
          {
            "name": "offset",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 0,
              "default": 0
            }
          },
          {
            "name": "prefix",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "Keys starting with this"
          },
          {
            "name": "domain",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "tag",
            "in": "query",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of documents",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DocumentList"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/collections/{name}/documents/{key}": {
      "parameters": [
        {
          "name": "name",
          "in": "path",
          "required": true,
          "description": "Collection name: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}; any other text (`..`, `a/b`) is refused with 422.",
          "schema": {
            "$ref": "#/components/schemas/CollectionName"
          }
        },
        {
          "name": "key",
          "in": "path",
)json",
R"json(          "required": true,
          "schema": {
            "type": "string",
            "minLength": 1
          },
          "description": "The document key, percent-encoded as one path segment (a '/' in the key is %2F)."
        }
      ],
      "get": {
        "operationId": "getDocument",
        "summary": "A document's metadata and chunks",
        "responses": {
          "200": {
            "description": "The document",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Document"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "operationId": "deleteDocument",
        "summary": "Remove a document",
        "responses": {
          "204": {
            "description": "Deleted",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/jobs/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "Job id",
          "schema": {
            "type": "string",
            "minLength": 1
          }
        }
      ],
      "get": {
        "operationId": "getJob",
        "summary": "An ingestion job's status and progress",
        "responses": {
          "200": {
            "description": "The job",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/search": {
      "post": {
        "operationId": "search",
        "summary": "Ranked chunks for a query",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SearchRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Results",
            "headers": {
              "X-Request-ID": {
)json",
R"json(                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SearchResponse"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          },
          "504": {
            "$ref": "#/components/responses/DeadlineExceeded"
          }
        }
      }
    },
    "/v1/chat": {
      "post": {
        "operationId": "chat",
        "summary": "A cited answer; Server-Sent Events when stream is true",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ChatRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The answer (JSON), or its event stream (stream=true)",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ChatResponse"
                }
              },
              "text/event-stream": {
                "schema": {
                  "type": "string",
                  "description": "Server-Sent Events. /v1/chat: `sources` ({passages:[{number, document, chunk_id, title, section}]}) first, then `delta` ({text}), `retract` ({reason}: streamed text withdrawn, a lower rung follows), `citation` (a Citation), and `done` ({usage, strategy, abstained, model, session_id, message_id, cached, latency}) last; a failure mid-stream is an `error` event ({code, message}) that ends the stream. /v1/chat/completions: `data:` lines of chat.completion.chunk objects, the last one carrying `citations`, then `data: [DONE]`."
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          },
          "504": {
            "$ref": "#/components/responses/DeadlineExceeded"
          }
        }
      }
    },
    "/v1/sessions": {
      "get": {
        "operationId": "listSessions",
        "summary": "Chat sessions, newest first",
        "parameters": [
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
)json",
R"json(              "minimum": 1,
              "maximum": 1000,
              "default": 50
            }
          },
          {
            "name": "before",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "next_cursor of the previous page"
          }
        ],
        "responses": {
          "200": {
            "description": "A page of sessions",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SessionList"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/sessions/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "Session id",
          "schema": {
            "type": "string",
            "minLength": 1
          }
        }
      ],
      "get": {
        "operationId": "getSession",
        "summary": "A session with its turns",
        "responses": {
          "200": {
            "description": "The session",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "operationId": "deleteSession",
        "summary": "Delete a session",
        "responses": {
          "204": {
            "description": "Deleted",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/messages/{id}/feedback": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "Message id (a chat answer's message_id)",
          "schema": {
            "type": "string",
            "minLength": 1
          }
        }
      ],
      "post": {
        "operationId": "addFeedback",
        "summary": "Rate an answer 1..5, with optional text",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
)json",
R"json(                "$ref": "#/components/schemas/Feedback"
              }
            }
          }
        },
        "responses": {
          "204": {
            "description": "Recorded",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/models": {
      "get": {
        "operationId": "listModels",
        "summary": "OpenAI-compatible: one model per collection",
        "responses": {
          "200": {
            "description": "The models",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelList"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/chat/completions": {
      "post": {
        "operationId": "createChatCompletion",
        "summary": "OpenAI-compatible chat completion answered by RAG over the last user message",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ChatCompletionRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "A completion (JSON), or chat.completion.chunk events (stream=true)",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ChatCompletion"
                }
              },
              "text/event-stream": {
                "schema": {
                  "type": "string",
                  "description": "Server-Sent Events. /v1/chat: `sources` ({passages:[{number, document, chunk_id, title, section}]}) first, then `delta` ({text}), `retract` ({reason}: streamed text withdrawn, a lower rung follows), `citation` (a Citation), and `done` ({usage, strategy, abstained, model, session_id, message_id, cached, latency}) last; a failure mid-stream is an `error` event ({code, message}) that ends the stream. /v1/chat/completions: `data:` lines of chat.completion.chunk objects, the last one carrying `citations`, then `data: [DONE]`."
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
)json",
R"json(            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          },
          "504": {
            "$ref": "#/components/responses/DeadlineExceeded"
          }
        }
      }
    },
    "/v1/embeddings": {
      "post": {
        "operationId": "createEmbeddings",
        "summary": "OpenAI-compatible embeddings from the native encoder (384 dimensions)",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/EmbeddingRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The embeddings",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EmbeddingList"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          },
          "504": {
            "$ref": "#/components/responses/DeadlineExceeded"
          }
        }
      }
    },
    "/health/live": {
      "get": {
        "operationId": "live",
        "summary": "The process answers",
        "responses": {
          "200": {
            "description": "Alive",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "status": {
                      "type": "string",
                      "enum": [
                        "ok"
                      ]
                    }
                  },
                  "required": [
                    "status"
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/health/ready": {
      "get": {
        "operationId": "ready",
        "summary": "Store open, indexes loaded, LLM providers' breakers",
        "responses": {
          "200": {
            "description": "Ready",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Ready"
                }
              }
            }
          },
          "503": {
            "description": "Not ready",
            "headers": {
              "X-Request-ID": {
)json",
R"json(                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Ready"
                }
              }
            }
          }
        }
      }
    },
    "/health/detailed": {
      "get": {
        "operationId": "healthDetailed",
        "summary": "Each dependency with its latency",
        "responses": {
          "200": {
            "description": "Dependencies",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detailed"
                }
              }
            }
          },
          "503": {
            "description": "A dependency is down",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detailed"
                }
              }
            }
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus text exposition 0.0.4",
        "responses": {
          "200": {
            "description": "Metrics",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/v1/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document",
        "responses": {
          "200": {
            "description": "OpenAPI 3.0.3",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {}
                }
              }
            }
          }
        }
      }
    })json",
R"json(,
    "/v1/quotas": {
      "get": {
        "operationId": "getQuotas",
        "summary": "The plan and its quotas: messages (month), API calls (day), storage (standing)",
        "description": "Needs profile:read_own. With authentication off: plan null, no quotas.",
        "responses": {
          "200": {
            "description": "The plan and the quotas",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/QuotaStatus"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthenticated"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/usage": {
      "get": {
        "operationId": "getUsage",
        "summary": "Metered usage of one month, as JSON or CSV",
        "description": "Needs profile:read_own. Without billing:read only the caller's own records (naming another user answers 403). With authentication off: no rows.",
        "parameters": [
          {
            "name": "month",
            "in": "query",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{4}-[0-9]{2}$"
            },
            "description": "YYYY-MM (UTC); default: this month"
          },
          {
            "name": "group_by",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "user",
                "day",
                "user,day",
                "day,user"
              ]
            },
            "description": "Rows per user, per UTC day or both; default: one row per meter"
          },
          {
            "name": "user",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "Only this user's records"
          },
          {
            "name": "format",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "json",
                "csv"
              ],
              "default": "json"
            },
            "description": "csv: RFC 4180 with the header user,day,meter,amount"
          }
        ],
        "responses": {
          "200": {
            "description": "The usage rows",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UsageReport"
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthenticated"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/usage/statement": {
      "get": {
        "operationId": "getUsageStatement",
        "summary": "Invoice-style statement of one month",
)json",
R"json(        "description": "Needs billing:read. The plan's monthly price, then one line per meter (no overage pricing: usage lines cost 0). 404 when the server runs without authentication.",
        "parameters": [
          {
            "name": "month",
            "in": "query",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{4}-[0-9]{2}$"
            },
            "description": "YYYY-MM (UTC); default: this month"
          }
        ],
        "responses": {
          "200": {
            "description": "The statement",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UsageStatement"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthenticated"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/audit": {
      "get": {
        "operationId": "listAuditEntries",
        "summary": "The organisation's audit log, newest first",
        "description": "Needs organization:manage_users; another organisation (or *) needs admin:view_all_users. 404 when the server runs without authentication.",
        "parameters": [
          {
            "name": "action",
            "in": "query",
            "schema": {
              "type": "string",
              "maxLength": 200
            },
            "description": "Exact action, or a prefix ending in '.' (auth.)"
          },
          {
            "name": "actor",
            "in": "query",
            "schema": {
              "type": "string",
              "maxLength": 200
            },
            "description": "Entries of this user"
          },
          {
            "name": "since",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "RFC 3339 or YYYY-MM-DD (midnight UTC); inclusive"
          },
          {
            "name": "until",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "RFC 3339 or YYYY-MM-DD (midnight UTC); exclusive"
          },
          {
            "name": "before",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1
            },
            "description": "next_before of the previous page"
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 100
            },
            "description": "Page size"
          },
          {
            "name": "organization",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "An organisation id, or * for all (system admins)"
          }
        ],
        "responses": {
          "200": {
            "description": "A page of entries",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
)json",
R"json(                  "$ref": "#/components/schemas/AuditPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthenticated"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/admin/organizations": {
      "get": {
        "operationId": "adminListOrganizations",
        "summary": "Every organisation with its user count (system admins)",
        "description": "Needs admin:access_dashboard. 404 when the server runs without authentication.",
        "responses": {
          "200": {
            "description": "The organisations",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AdminOrganizationList"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthenticated"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/admin/organizations/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "Organisation id",
          "schema": {
            "type": "string",
            "minLength": 1
          }
        }
      ],
      "patch": {
        "operationId": "adminSetPlan",
        "summary": "Change an organisation's plan (system admins)",
        "description": "Needs admin:manage_features. Quotas of the organisation's requests follow the new plan within 10 seconds.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AdminPlanChange"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The organisation",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Organization"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthenticated"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
)json",
R"json(    "/v1/admin/users": {
      "get": {
        "operationId": "adminListUsers",
        "summary": "Every user of every organisation (system admins)",
        "description": "Needs admin:view_all_users. 404 when the server runs without authentication.",
        "responses": {
          "200": {
            "description": "The users",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/X-Request-ID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UserList"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthenticated"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    })json",
R"json(
  },
  "components": {
    "schemas": {
      "Error": {
        "type": "object",
        "properties": {
          "code": {
            "type": "string",
            "enum": [
              "bad_request",
              "invalid_json",
              "invalid_utf8",
              "not_found",
              "method_not_allowed",
              "conflict",
              "payload_too_large",
              "unsupported_media_type",
              "validation_failed",
              "unauthenticated",
              "forbidden",
              "rate_limited",
              "internal_error",
              "unavailable",
              "deadline_exceeded"
            ],
            "description": "Stable machine-readable code; branch on this."
          },
          "message": {
            "type": "string",
            "description": "What was wrong, for people."
          },
          "details": {
            "type": "object",
            "properties": {},
            "description": "Facts about the failure, e.g. the offending field."
          },
)json",
R"json(          "request_id": {
            "type": "string",
            "description": "The request's X-Request-ID."
          }
        },
        "required": [
          "code",
          "message",
          "details",
          "request_id"
        ]
      },
      "CollectionName": {
        "type": "string",
        "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
        "minLength": 1,
        "maxLength": 64
      },
      "Timestamp": {
        "type": "integer",
        "description": "Unix time in seconds."
      },
      "Span": {
        "type": "object",
        "properties": {
          "begin": {
            "type": "integer",
            "minimum": 0
          },
          "end": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "begin",
          "end"
        ],
        "description": "Byte offsets into the document's text."
      },
      "Domain": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200
          },
          "description": {
            "type": "string",
            "maxLength": 2000
          },
          "keywords": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "maxItems": 500
          },
          "related": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "maxItems": 100,
            "description": "Names of related domains."
          }
        },
        "required": [
          "name"
        ],
        "additionalProperties": false
      },
      "Chunking": {
        "type": "object",
        "properties": {
          "max_tokens": {
            "type": "integer",
            "minimum": 16,
            "maximum": 8192
          },
          "overlap_tokens": {
            "type": "integer",
            "minimum": 0,
            "maximum": 4096,
            "description": "Less than max_tokens."
          }
        },
        "additionalProperties": false
      },
      "CollectionCreate": {
        "type": "object",
        "properties": {
          "name": {
            "$ref": "#/components/schemas/CollectionName"
          },
          "description": {
            "type": "string",
            "maxLength": 4000
          },
          "domains": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Domain"
            },
            "maxItems": 100
          },
          "embedding_model": {
            "type": "string",
            "enum": [
              "default",
              "all-MiniLM-L6-v2",
              "none"
            ],
            "description": "\"none\": a lexical-only collection; default: the native encoder with the default model."
          },
          "chunking": {
            "$ref": "#/components/schemas/Chunking"
          }
        },
        "required": [
          "name"
        ],
        "additionalProperties": false
      },
      "CollectionUpdate": {
        "type": "object",
        "properties": {
          "description": {
            "type": "string",
            "maxLength": 4000
          },
          "domains": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Domain"
            },
            "maxItems": 100
          }
        },
        "additionalProperties": false
)json",
R"json(      },
      "Collection": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "document_count": {
            "type": "integer",
            "minimum": 0
          },
          "chunk_count": {
            "type": "integer",
            "minimum": 0
          },
          "size_bytes": {
            "type": "integer",
            "minimum": 0
          },
          "embedding_model": {
            "type": "string"
          },
          "chunking": {
            "$ref": "#/components/schemas/Chunking"
          },
          "domains": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Domain"
            }
          },
          "version": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "name",
          "description",
          "created_at",
          "document_count",
          "chunk_count",
          "size_bytes",
          "embedding_model",
          "chunking",
          "domains",
          "version"
        ]
      },
      "CollectionList": {
        "type": "object",
        "properties": {
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Collection"
            }
          }
        },
        "required": [
          "data"
        ]
      },
      "DocumentCreate": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "pattern": "^[^/\\\\]+$",
            "description": "The document's name, one path segment (no '/', '\\' or '..'); the key is [<domain>/]<id>, with .md added unless it ends in .md or .txt. Default: derived from the title (or the text)."
          },
          "title": {
            "type": "string",
            "maxLength": 1000
          },
          "text": {
            "type": "string",
            "pattern": "[^ \t\r\n]"
          },
          "domain": {
            "type": "string",
            "maxLength": 100,
            "description": "One path segment."
          },
          "tags": {
            "oneOf": [
              {
                "type": "string"
              },
              {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "maxItems": 100
              }
            ]
          },
          "date": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "YYYY-MM-DD"
          },
          "collection": {
            "type": "string",
            "description": "Ignored: the path names the collection."
          }
        },
        "required": [
          "text"
        ],
        "additionalProperties": false
      },
      "DocumentUpload": {
        "type": "object",
        "properties": {
          "file": {
            "type": "string",
            "format": "binary"
          },
          "title": {
            "type": "string"
          },
          "domain": {
            "type": "string"
          },
          "tags": {
            "type": "string",
            "description": "Comma separated."
          },
)json",
R"json(          "date": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
          }
        },
        "required": [
          "file"
        ]
      },
      "Job": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "queued",
              "running",
              "succeeded",
              "failed"
            ]
          },
          "collection": {
            "type": "string"
          },
          "document": {
            "type": "string",
            "nullable": true
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "started_at": {
            "type": "integer",
            "nullable": true
          },
          "finished_at": {
            "type": "integer",
            "nullable": true
          },
          "progress": {
            "type": "object",
            "properties": {
              "documents_done": {
                "type": "integer",
                "minimum": 0
              },
              "chunks": {
                "type": "integer",
                "minimum": 0
              }
            },
            "required": [
              "documents_done",
              "chunks"
            ]
          },
          "error": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string"
              },
              "message": {
                "type": "string"
              }
            },
            "required": [
              "code",
              "message"
            ],
            "nullable": true
          }
        },
        "required": [
          "id",
          "status",
          "collection",
          "document",
          "created_at",
          "started_at",
          "finished_at",
          "progress",
          "error"
        ]
      },
      "JobAccepted": {
        "type": "object",
        "properties": {
          "job": {
            "$ref": "#/components/schemas/Job"
          }
        },
        "required": [
          "job"
        ]
      },
      "Chunk": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer"
          },
          "ordinal": {
            "type": "integer",
            "minimum": 0
          },
          "section": {
            "type": "string"
          },
          "begin": {
            "type": "integer",
            "minimum": 0
          },
          "end": {
            "type": "integer",
            "minimum": 0
          },
          "text": {
            "type": "string"
          }
        },
        "required": [
          "id",
          "ordinal",
          "section",
          "begin",
          "end",
          "text"
        ]
      },
      "DocumentSummary": {
        "type": "object",
        "properties": {
          "key": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "domain": {
            "type": "string",
            "nullable": true
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "date": {
            "type": "string",
            "nullable": true
          },
          "source": {
            "type": "string"
          },
)json",
R"json(          "ingested_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "chunk_count": {
            "type": "integer",
            "minimum": 0
          },
          "text_bytes": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "key",
          "title",
          "domain",
          "tags",
          "date",
          "source",
          "ingested_at",
          "chunk_count",
          "text_bytes"
        ]
      },
      "Document": {
        "type": "object",
        "properties": {
          "key": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "domain": {
            "type": "string",
            "nullable": true
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "date": {
            "type": "string",
            "nullable": true
          },
          "source": {
            "type": "string"
          },
          "ingested_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "chunk_count": {
            "type": "integer",
            "minimum": 0
          },
          "text_bytes": {
            "type": "integer",
            "minimum": 0
          },
          "chunks": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Chunk"
            }
          }
        },
        "required": [
          "key",
          "title",
          "domain",
          "tags",
          "date",
          "source",
          "ingested_at",
          "chunk_count",
          "text_bytes",
          "chunks"
        ]
      },
      "DocumentList": {
        "type": "object",
        "properties": {
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/DocumentSummary"
            }
          },
          "total": {
            "type": "integer",
            "minimum": 0
          },
          "next_offset": {
            "type": "integer",
            "minimum": 0,
            "nullable": true
          }
        },
        "required": [
          "data",
          "total",
          "next_offset"
        ]
      },
      "Filters": {
        "type": "object",
        "properties": {
          "domain": {
            "oneOf": [
              {
                "type": "string"
              },
              {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "maxItems": 100
              }
            ],
            "description": "A domain, or any of several."
          },
          "tags": {
            "oneOf": [
              {
                "type": "string"
              },
              {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "maxItems": 100
              }
            ],
            "description": "Documents carrying all of these tags."
          },
          "date_from": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "YYYY-MM-DD"
          },
          "date_to": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "YYYY-MM-DD"
          },
)json",
R"json(          "document": {
            "type": "string",
            "maxLength": 4096,
            "description": "One document key (404 when unknown)."
          }
        },
        "additionalProperties": false
      },
      "SearchRequest": {
        "type": "object",
        "properties": {
          "query": {
            "type": "string",
            "minLength": 1,
            "maxLength": 10000,
            "pattern": "[^ \t\r\n]"
          },
          "collection": {
            "$ref": "#/components/schemas/CollectionName"
          },
          "k": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "default": 10
          },
          "mode": {
            "type": "string",
            "enum": [
              "auto",
              "lexical",
              "dense",
              "hybrid"
            ],
            "default": "auto"
          },
          "filters": {
            "$ref": "#/components/schemas/Filters"
          }
        },
        "required": [
          "query"
        ],
        "additionalProperties": false
      },
      "SearchResult": {
        "type": "object",
        "properties": {
          "rank": {
            "type": "integer",
            "minimum": 1
          },
          "chunk_id": {
            "type": "integer"
          },
          "document": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "section": {
            "type": "string"
          },
          "score": {
            "type": "number"
          },
          "text": {
            "type": "string"
          },
          "highlights": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "span": {
            "$ref": "#/components/schemas/Span"
          }
        },
        "required": [
          "rank",
          "chunk_id",
          "document",
          "title",
          "section",
          "score",
          "text",
          "highlights",
          "span"
        ]
      },
      "SearchResponse": {
        "type": "object",
        "properties": {
          "results": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SearchResult"
            }
          },
          "strategy": {
            "type": "string"
          },
          "took_ms": {
            "type": "number",
            "minimum": 0
          },
          "query_terms": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        },
        "required": [
          "results",
          "strategy",
          "took_ms",
          "query_terms"
        ]
      },
      "Citation": {
        "type": "object",
        "properties": {
          "number": {
            "type": "integer",
            "minimum": 1
          },
          "document": {
            "type": "string"
          },
          "chunk_id": {
            "type": "integer"
          },
          "title": {
            "type": "string"
          },
          "section": {
            "type": "string"
          },
          "span": {
            "$ref": "#/components/schemas/Span"
          },
          "excerpt": {
            "type": "string"
          },
          "support": {
            "type": "number"
          }
        },
        "required": [
          "number",
          "document",
)json",
R"json(          "chunk_id",
          "title",
          "section",
          "span",
          "excerpt",
          "support"
        ]
      },
      "Usage": {
        "type": "object",
        "properties": {
          "prompt_tokens": {
            "type": "integer",
            "minimum": 0
          },
          "completion_tokens": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "prompt_tokens",
          "completion_tokens"
        ]
      },
      "ChatRequest": {
        "type": "object",
        "properties": {
          "message": {
            "type": "string",
            "minLength": 1,
            "maxLength": 32768,
            "pattern": "[^ \t\r\n]"
          },
          "session_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "description": "Continue this session (404 when unknown)."
          },
          "collection": {
            "$ref": "#/components/schemas/CollectionName"
          },
          "enable_rag": {
            "type": "boolean",
            "default": true
          },
          "stream": {
            "type": "boolean",
            "default": false
          },
          "filters": {
            "$ref": "#/components/schemas/Filters"
          },
          "max_tokens": {
            "type": "integer",
            "minimum": 50,
            "maximum": 2000
          },
          "temperature": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "cache": {
            "type": "string",
            "enum": [
              "use",
              "bypass"
            ],
            "default": "use"
          }
        },
        "required": [
          "message"
        ],
        "additionalProperties": false
      },
      "ChatResponse": {
        "type": "object",
        "properties": {
          "answer": {
            "type": "string"
          },
          "citations": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Citation"
            }
          },
          "strategy": {
            "type": "string",
            "enum": [
              "llm",
              "cached",
              "extractive",
              "template"
            ]
          },
          "abstained": {
            "type": "boolean"
          },
          "model": {
            "type": "string"
          },
          "usage": {
            "$ref": "#/components/schemas/Usage"
          },
          "latency": {
            "type": "object",
            "properties": {},
            "additionalProperties": {
              "type": "number"
            },
            "description": "Milliseconds per stage."
          },
          "session_id": {
            "type": "string",
            "nullable": true
          },
          "message_id": {
            "type": "string",
            "nullable": true
          },
          "cached": {
            "type": "boolean"
          },
          "degradations": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "rung": {
                  "type": "string"
                },
                "reason": {
                  "type": "string"
                }
              }
            }
          },
          "warnings": {
            "type": "array",
            "items": {
)json",
R"json(              "type": "string"
            }
          }
        },
        "required": [
          "answer",
          "citations",
          "strategy",
          "abstained",
          "model",
          "usage",
          "latency",
          "session_id",
          "message_id",
          "cached"
        ]
      },
      "SessionSummary": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "updated_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "turn_count": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "id",
          "title",
          "created_at",
          "updated_at",
          "turn_count"
        ]
      },
      "SessionList": {
        "type": "object",
        "properties": {
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SessionSummary"
            }
          },
          "next_cursor": {
            "type": "string",
            "nullable": true
          }
        },
        "required": [
          "data",
          "next_cursor"
        ]
      },
      "Turn": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "ordinal": {
            "type": "integer",
            "minimum": 0
          },
          "question": {
            "type": "string"
          },
          "answer": {
            "type": "string"
          },
          "citations": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {},
              "description": "The citations as recorded with the turn."
            }
          },
          "strategy": {
            "type": "string"
          },
          "model": {
            "type": "string"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "feedback": {
            "type": "object",
            "properties": {
              "rating": {
                "type": "integer",
                "minimum": 1,
                "maximum": 5
              },
              "text": {
                "type": "string"
              }
            },
            "required": [
              "rating",
              "text"
            ],
            "nullable": true
          }
        },
        "required": [
          "id",
          "ordinal",
          "question",
          "answer",
          "citations",
          "strategy",
          "model",
          "created_at",
          "feedback"
        ]
      },
      "Session": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "updated_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "turn_count": {
            "type": "integer",
            "minimum": 0
          },
          "turns": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Turn"
            }
          }
        },
)json",
R"json(        "required": [
          "id",
          "title",
          "created_at",
          "updated_at",
          "turn_count",
          "turns"
        ]
      },
      "Feedback": {
        "type": "object",
        "properties": {
          "rating": {
            "type": "integer",
            "minimum": 1,
            "maximum": 5
          },
          "text": {
            "type": "string",
            "maxLength": 4000
          }
        },
        "required": [
          "rating"
        ],
        "additionalProperties": false
      },
      "ModelList": {
        "type": "object",
        "properties": {
          "object": {
            "type": "string",
            "enum": [
              "list"
            ]
          },
          "data": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "id": {
                  "type": "string"
                },
                "object": {
                  "type": "string",
                  "enum": [
                    "model"
                  ]
                },
                "created": {
                  "type": "integer"
                },
                "owned_by": {
                  "type": "string"
                }
              },
              "required": [
                "id",
                "object",
                "created",
                "owned_by"
              ]
            }
          }
        },
        "required": [
          "object",
          "data"
        ]
      },
      "ChatMessage": {
        "type": "object",
        "properties": {
          "role": {
            "type": "string",
            "enum": [
              "system",
              "user",
              "assistant"
            ]
          },
          "content": {
            "type": "string"
          }
        },
        "required": [
          "role",
          "content"
        ]
      },
      "ChatCompletionRequest": {
        "type": "object",
        "properties": {
          "model": {
            "allOf": [
              {
                "$ref": "#/components/schemas/CollectionName"
              }
            ],
            "description": "A collection name, or \"ragd\" for the default collection (404 when no such collection)."
          },
          "messages": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ChatMessage"
            },
            "minItems": 1
          },
          "stream": {
            "type": "boolean",
            "default": false
          },
          "stream_options": {
            "type": "object",
            "properties": {
              "include_usage": {
                "type": "boolean"
              }
            }
          },
          "max_tokens": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1048576,
            "description": "Clamped to 50..2000."
          },
          "max_completion_tokens": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1048576,
            "description": "Clamped to 50..2000."
          },
          "temperature": {
            "type": "number",
            "minimum": 0,
            "maximum": 2,
            "description": "Values above 1 count as 1."
          },
          "ragd": {
            "type": "object",
            "properties": {
              "collection": {
)json",
R"json(                "$ref": "#/components/schemas/CollectionName"
              },
              "enable_rag": {
                "type": "boolean"
              },
              "filters": {
                "$ref": "#/components/schemas/Filters"
              }
            },
            "description": "ragd's extension: the collection and retrieval settings."
          }
        },
        "required": [
          "model",
          "messages"
        ],
        "description": "OpenAI's chat completion request; other OpenAI fields are accepted and ignored."
      },
      "ChatCompletion": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "object": {
            "type": "string",
            "enum": [
              "chat.completion"
            ]
          },
          "created": {
            "type": "integer"
          },
          "model": {
            "type": "string"
          },
          "choices": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "index": {
                  "type": "integer",
                  "minimum": 0
                },
                "message": {
                  "type": "object",
                  "properties": {
                    "role": {
                      "type": "string",
                      "enum": [
                        "assistant"
                      ]
                    },
                    "content": {
                      "type": "string"
                    }
                  },
                  "required": [
                    "role",
                    "content"
                  ]
                },
                "finish_reason": {
                  "type": "string",
                  "nullable": true
                }
              },
              "required": [
                "index",
                "message",
                "finish_reason"
              ]
            }
          },
          "usage": {
            "type": "object",
            "properties": {
              "prompt_tokens": {
                "type": "integer",
                "minimum": 0
              },
              "completion_tokens": {
                "type": "integer",
                "minimum": 0
              },
              "total_tokens": {
                "type": "integer",
                "minimum": 0
              }
            },
            "required": [
              "prompt_tokens",
              "completion_tokens",
              "total_tokens"
            ]
          },
          "citations": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Citation"
            }
          }
        },
        "required": [
          "id",
          "object",
          "created",
          "model",
          "choices",
          "usage",
          "citations"
        ]
      },
      "EmbeddingRequest": {
        "type": "object",
        "properties": {
          "input": {
            "oneOf": [
              {
                "type": "string",
                "minLength": 1,
                "maxLength": 65536
              },
              {
                "type": "array",
                "items": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 65536
                },
                "minItems": 1,
                "maxItems": 2048
)json",
R"json(              }
            ]
          },
          "model": {
            "type": "string",
            "maxLength": 200,
            "description": "Any name; the native encoder answers."
          },
          "encoding_format": {
            "type": "string",
            "enum": [
              "float",
              "base64"
            ],
            "default": "float"
          }
        },
        "required": [
          "input"
        ],
        "description": "OpenAI's embeddings request; other fields are ignored."
      },
      "EmbeddingList": {
        "type": "object",
        "properties": {
          "object": {
            "type": "string",
            "enum": [
              "list"
            ]
          },
          "data": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "object": {
                  "type": "string",
                  "enum": [
                    "embedding"
                  ]
                },
                "index": {
                  "type": "integer",
                  "minimum": 0
                },
                "embedding": {
                  "oneOf": [
                    {
                      "type": "array",
                      "items": {
                        "type": "number"
                      },
                      "minItems": 384,
                      "maxItems": 384
                    },
                    {
                      "type": "string",
                      "description": "base64 of 384 little-endian float32"
                    }
                  ]
                }
              },
              "required": [
                "object",
                "index",
                "embedding"
              ]
            }
          },
          "model": {
            "type": "string"
          },
          "usage": {
            "type": "object",
            "properties": {
              "prompt_tokens": {
                "type": "integer",
                "minimum": 0
              },
              "total_tokens": {
                "type": "integer",
                "minimum": 0
              }
            },
            "required": [
              "prompt_tokens",
              "total_tokens"
            ]
          }
        },
        "required": [
          "object",
          "data",
          "model",
          "usage"
        ]
      },
      "Ready": {
        "type": "object",
        "properties": {
          "status": {
            "type": "string",
            "enum": [
              "ready",
              "not_ready"
            ]
          },
          "checks": {
            "type": "object",
            "properties": {
              "store": {},
              "indexes": {},
              "llm": {
                "type": "object",
                "properties": {
                  "providers": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "name": {
                          "type": "string"
                        },
                        "breaker": {
                          "type": "string"
                        }
                      },
                      "required": [
                        "name",
                        "breaker"
                      ]
                    }
                  }
                }
)json",
R"json(              }
            }
          }
        },
        "required": [
          "status",
          "checks"
        ]
      },
      "Detailed": {
        "type": "object",
        "properties": {
          "status": {
            "type": "string"
          },
          "dependencies": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string"
                },
                "status": {
                  "type": "string"
                },
                "latency_ms": {
                  "type": "number",
                  "minimum": 0
                },
                "detail": {}
              },
              "required": [
                "name",
                "status",
                "latency_ms"
              ]
            }
          }
        },
        "required": [
          "status",
          "dependencies"
        ]
      })json",
R"json(,
      "Plan": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "price_cents_per_month": {
            "type": "integer",
            "format": "int64"
          },
          "messages_per_month": {
            "type": "integer",
            "format": "int64",
            "description": "null: unlimited",
            "nullable": true
          },
          "tokens_per_message": {
            "type": "integer",
            "format": "int64",
            "description": "null: unlimited",
            "nullable": true
          },
          "api_calls_per_day": {
            "type": "integer",
            "format": "int64",
            "description": "null: unlimited",
            "nullable": true
          },
          "storage_bytes": {
            "type": "integer",
            "format": "int64",
            "description": "null: unlimited",
            "nullable": true
          },
          "requests_per_minute": {
            "type": "integer",
            "format": "int64",
            "description": "null: unlimited",
            "nullable": true
          },
          "chat_per_minute": {
            "type": "integer",
            "format": "int64",
            "description": "null: unlimited",
            "nullable": true
          },
          "search_per_minute": {
            "type": "integer",
            "format": "int64",
            "description": "null: unlimited",
            "nullable": true
          }
        },
        "required": [
          "name",
          "price_cents_per_month",
          "messages_per_month",
          "tokens_per_message",
          "api_calls_per_day",
          "storage_bytes",
          "requests_per_minute",
          "chat_per_minute",
          "search_per_minute"
        ]
      },
      "Quota": {
        "type": "object",
        "properties": {
          "meter": {
            "type": "string",
            "enum": [
              "messages",
              "api_calls",
              "storage_bytes"
            ]
          },
          "used": {
            "type": "integer",
            "format": "int64"
          },
          "limit": {
            "type": "integer",
            "format": "int64",
            "description": "-1: unlimited"
          },
          "remaining": {
            "type": "integer",
            "format": "int64",
            "description": "-1: unlimited"
          },
          "period": {
            "type": "string",
            "enum": [
              "month",
              "day",
              "standing"
            ]
          },
          "reset_at": {
            "type": "string",
            "format": "date-time",
            "description": "null for standing totals",
            "nullable": true
          }
        },
        "required": [
          "meter",
          "used",
          "limit",
          "remaining",
          "period",
          "reset_at"
        ]
      },
      "QuotaStatus": {
        "type": "object",
        "properties": {
          "plan": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Plan"
              }
            ],
            "nullable": true
          },
          "quotas": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Quota"
            }
          }
        },
        "required": [
          "plan",
          "quotas"
        ]
      },
      "UsagePeriod": {
        "type": "object",
        "properties": {
          "month": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}$"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
)json",
R"json(          "month",
          "from",
          "to"
        ]
      },
      "UsageRow": {
        "type": "object",
        "properties": {
          "user": {
            "type": "string",
            "nullable": true
          },
          "day": {
            "type": "string",
            "format": "date",
            "nullable": true
          },
          "meter": {
            "type": "string"
          },
          "amount": {
            "type": "integer",
            "format": "int64"
          }
        },
        "required": [
          "user",
          "day",
          "meter",
          "amount"
        ]
      },
      "UsageReport": {
        "type": "object",
        "properties": {
          "organization": {
            "type": "string",
            "nullable": true
          },
          "period": {
            "$ref": "#/components/schemas/UsagePeriod"
          },
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/UsageRow"
            }
          }
        },
        "required": [
          "organization",
          "period",
          "data"
        ]
      },
      "StatementLine": {
        "type": "object",
        "properties": {
          "description": {
            "type": "string"
          },
          "meter": {
            "type": "string",
            "nullable": true
          },
          "quantity": {
            "type": "integer",
            "format": "int64"
          },
          "included": {
            "type": "integer",
            "format": "int64",
            "description": "the plan's limit; null: unlimited or not limited",
            "nullable": true
          },
          "amount_cents": {
            "type": "integer",
            "format": "int64"
          }
        },
        "required": [
          "description",
          "meter",
          "quantity",
          "included",
          "amount_cents"
        ]
      },
      "UsageStatement": {
        "type": "object",
        "properties": {
          "organization": {
            "type": "object",
            "properties": {
              "id": {
                "type": "string"
              },
              "name": {
                "type": "string"
              }
            },
            "required": [
              "id",
              "name"
            ]
          },
          "plan": {
            "type": "string"
          },
          "currency": {
            "type": "string",
            "enum": [
              "USD"
            ]
          },
          "period": {
            "$ref": "#/components/schemas/UsagePeriod"
          },
          "lines": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/StatementLine"
            }
          },
          "total_cents": {
            "type": "integer",
            "format": "int64"
          }
        },
        "required": [
          "organization",
          "plan",
          "currency",
          "period",
          "lines",
          "total_cents"
        ]
      },
      "AuditEntry": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64"
          },
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "organization": {
            "type": "string",
            "nullable": true
          },
          "actor_user": {
            "type": "string",
            "nullable": true
          },
          "actor_key": {
            "type": "string",
            "nullable": true
          },
          "action": {
            "type": "string"
          },
          "target": {
            "type": "string"
          },
          "outcome": {
            "type": "string",
            "enum": [
              "success",
)json",
R"json(              "failure",
              "denied"
            ]
          },
          "ip": {
            "type": "string"
          },
          "user_agent": {
            "type": "string"
          },
          "request_id": {
            "type": "string"
          },
          "details": {
            "type": "object",
            "properties": {}
          }
        },
        "required": [
          "id",
          "at",
          "organization",
          "actor_user",
          "actor_key",
          "action",
          "target",
          "outcome",
          "ip",
          "user_agent",
          "request_id",
          "details"
        ]
      },
      "AuditPage": {
        "type": "object",
        "properties": {
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AuditEntry"
            }
          },
          "next_before": {
            "type": "integer",
            "format": "int64",
            "description": "before= of the next page; null: last page",
            "nullable": true
          }
        },
        "required": [
          "data",
          "next_before"
        ]
      },
      "Organization": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "plan": {
            "type": "string"
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "id",
          "name",
          "plan",
          "created_at"
        ]
      },
      "AdminOrganization": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "plan": {
            "type": "string"
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "user_count": {
            "type": "integer",
            "format": "int64"
          }
        },
        "required": [
          "id",
          "name",
          "plan",
          "created_at",
          "user_count"
        ]
      },
      "AdminOrganizationList": {
        "type": "object",
        "properties": {
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AdminOrganization"
            }
          }
        },
        "required": [
          "data"
        ]
      },
      "User": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "role": {
            "type": "string",
            "enum": [
              "guest",
              "user",
              "pro_user",
              "organization_admin",
              "system_admin"
            ]
          },
          "organization": {
            "type": "string"
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "id",
          "email",
          "name",
          "role",
          "organization",
          "created_at"
        ]
      },
      "UserList": {
        "type": "object",
        "properties": {
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/User"
            }
          }
        },
        "required": [
          "data"
        ]
      },
      "AdminPlanChange": {
        "type": "object",
        "properties": {
          "plan": {
            "type": "string",
            "minLength": 1,
)json",
R"json(            "maxLength": 64
          }
        },
        "required": [
          "plan"
        ],
        "additionalProperties": false
      })json",
R"json(
    },
    "headers": {
      "X-Request-ID": {
        "description": "The request's id (echoed or generated).",
        "required": true,
        "schema": {
          "type": "string"
        }
      }
    },
    "responses": {
      "BadRequest": {
        "description": "Malformed request: invalid_json, invalid_utf8, or bad_request (e.g. a path that is not valid percent-encoded UTF-8)",
        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "NotFound": {
        "description": "No such resource (not_found)",
        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "MethodNotAllowed": {
        "description": "The path does not allow this method (method_not_allowed)",
        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          },
          "Allow": {
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Conflict": {
        "description": "It exists already (conflict)",
        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "PayloadTooLarge": {
        "description": "The body exceeds the limit (payload_too_large)",
        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "UnsupportedMediaType": {
        "description": "The body is not application/json (unsupported_media_type)",
)json",
R"json(        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "ValidationFailed": {
        "description": "A field is missing, of the wrong type, out of range or unknown (validation_failed)",
        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Unavailable": {
        "description": "A dependency is unavailable or busy (unavailable)",
        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "DeadlineExceeded": {
        "description": "The request deadline passed (deadline_exceeded)",
        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      })json",
R"json(,
      "Unauthenticated": {
        "description": "No, malformed, expired or revoked credentials (unauthenticated); WWW-Authenticate: Bearer",
        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Forbidden": {
        "description": "The role or the API key's scopes lack the permission named in details.permission (forbidden)",
        "headers": {
          "X-Request-ID": {
            "$ref": "#/components/headers/X-Request-ID"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      })json",
R"json(
    }
  }
}
)json",
};
// clang-format on

std::string join_parts() {
  std::string text;
  for (const char* part : kDocumentParts) text += part;
  return text;
}

}  // namespace

const std::string& openapi_document() {
  static const std::string document = [] {
    nlohmann::json parsed = nlohmann::json::parse(join_parts());
    add_platform_to_openapi(parsed);
    return parsed.dump(2);
  }();
  return document;
}

}  // namespace ragd::server
