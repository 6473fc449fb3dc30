# Derives every claim's status from the responses that answer it.
#
# Run after each import (one update, so readers see the old statuses or the new ones).
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

INSERT { ?claim cg:status ?status } WHERE {
  ?claim a cg:Claim ; cg:claimant ?claimant .
  BIND(
    IF(EXISTS { ?r cg:answers ?claim ; a cg:Retraction ; cg:claimant ?claimant }, cg:Retracted,
    IF(EXISTS { ?r cg:answers ?claim ; a cg:Correction ; cg:claimant ?claimant }, cg:Corrected,
    IF(EXISTS { ?r cg:answers ?claim ; a cg:Denial ; cg:claimant ?subject . ?claim cg:about ?subject }, cg:DeniedBySubject,
    IF(EXISTS { ?r cg:answers ?claim ; a ?against . VALUES ?against { cg:Denial cg:Objection } }, cg:Disputed,
    IF(EXISTS { ?claim cg:corroboratedBy ?x }, cg:Corroborated,
    IF(EXISTS { ?r cg:answers ?claim ; a ?silent . VALUES ?silent { cg:RefusalToComment cg:NonAnswer cg:NotReachable } }, cg:DeclinedToComment,
    cg:Uncontested))))))
  AS ?status)
}
