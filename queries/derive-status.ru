# Derives every claim's status from the responses that answer it.
#
# The reference statement of the rules. Imports derive with src/write/derive.rs, which applies
# the same rules from direct index lookups, to the claims a batch touched only; the tests
# hold the two equal, and `claimgraph derive --reference` runs this update.
# Independence: two claims are of independent origin when their claimants differ and
# neither claim's document relays the other's, directly or down a chain
# (two articles relaying the same report share the report as their document).

DELETE { ?claim cg:status ?status } WHERE { ?claim cg:status ?status } ;
DELETE { ?claim cg:statusBasis ?basis } WHERE { ?claim cg:statusBasis ?basis } ;
DELETE { ?claim cg:corroboratedBy ?other } WHERE { ?claim cg:corroboratedBy ?other } ;

INSERT { ?claim cg:statusBasis ?response } WHERE { ?response cg:answers ?claim } ;

# Independent corroboration: a corroborating response, or the same proposition.
INSERT { ?claim cg:corroboratedBy ?other } WHERE {
  ?other a cg:Corroboration ; cg:answers ?claim ; cg:claimant ?otherClaimant ; cg:madeIn ?otherDoc .
  ?claim cg:claimant ?claimant ; cg:madeIn ?doc .
  FILTER(?claimant != ?otherClaimant && ?doc != ?otherDoc)
  FILTER NOT EXISTS { ?doc cg:relays* ?otherDoc }
  FILTER NOT EXISTS { ?otherDoc cg:relays* ?doc }
} ;
INSERT { ?claim cg:corroboratedBy ?other } WHERE {
  ?claim cg:hasProposition ?graph ; cg:claimant ?claimant ; cg:madeIn ?doc .
  GRAPH ?graph { ?s ?p ?o }
  GRAPH ?otherGraph { ?s ?p ?o }
  FILTER(?otherGraph != ?graph)
  ?other cg:hasProposition ?otherGraph ; cg:claimant ?otherClaimant ; cg:madeIn ?otherDoc .
  FILTER NOT EXISTS { ?other a cg:Response }
  FILTER(?claimant != ?otherClaimant && ?doc != ?otherDoc)
  FILTER NOT EXISTS { ?doc cg:relays* ?otherDoc }
  FILTER NOT EXISTS { ?otherDoc cg:relays* ?doc }
} ;

# The strongest applicable status wins: each response (and each corroboration) gives a
# rank, and the claim takes the highest. Joins and one GROUP BY, rather than a chain of
# EXISTS tests per claim, keep this linear in the number of claims and responses.
INSERT { ?claim cg:status ?status } WHERE {
  {
    SELECT ?claim (MAX(?rank) AS ?best) WHERE {
      {
        ?claim a cg:Claim .
        BIND(0 AS ?rank)
      } UNION {
        ?claim cg:corroboratedBy ?corroboration .
        BIND(2 AS ?rank)
      } UNION {
        ?response cg:answers ?claim ; a ?kind ; cg:claimant ?responder .
        ?claim cg:claimant ?claimant .
        OPTIONAL { ?claim cg:about ?responder . BIND(true AS ?bySubject) }
        BIND(
          IF(?kind = cg:Retraction && ?responder = ?claimant, 6,
          IF(?kind = cg:Correction && ?responder = ?claimant, 5,
          IF(?kind = cg:Denial && BOUND(?bySubject), 4,
          IF(?kind IN (cg:Denial, cg:Objection), 3,
          IF(?kind IN (cg:RefusalToComment, cg:NonAnswer, cg:NotReachable), 1, 0)))))
        AS ?rank)
      }
    }
    GROUP BY ?claim
  }
  BIND(
    IF(?best = 6, cg:Retracted,
    IF(?best = 5, cg:Corrected,
    IF(?best = 4, cg:DeniedBySubject,
    IF(?best = 3, cg:Disputed,
    IF(?best = 2, cg:Corroborated,
    IF(?best = 1, cg:DeclinedToComment,
    cg:Uncontested))))))
  AS ?status)
}
